// Structured answers rendered as what they are: orders, tickets, products, policy
// facts and tables, and citations that open to the quoted passage.
import {call, el, kdate, won} from "./api.js";

const STATUS_TONE = {cancelled: "muted", delivered: "ok", shipping: "info", shipped: "info",
                     return_requested: "warn", exchange_requested: "warn", returned: "muted",
                     resolved: "ok", closed: "muted", open: "warn", in_progress: "info"};

export function badge(status, label) {
  return el("span", {class: `badge ${STATUS_TONE[status] || "info"}`, "data-status": status}, label);
}

export function orderCard(card) {
  const items = card.items
    ? el("ul", {class: "items"}, card.items.map((i) => el("li", {}, `${i.title} (${i.option}) × ${i.quantity}`,
        i.status !== "ordered" ? [" ", badge(i.status, i.status_label)] : [])))
    : el("p", {class: "items"}, card.summary || "");
  const tracking = card.tracking
    ? el("p", {}, `배송: ${card.tracking.carrier} ${card.tracking.tracking_number}`) : null;
  return el("article", {class: "card order", "data-order-id": card.order_id, "aria-label": `주문 ${card.order_id}`},
    el("header", {}, el("strong", {}, card.order_id), " ", badge(card.status, card.status_label)),
    items,
    el("p", {class: "amount"}, `결제 금액 ${won(card.total_amount)}`),
    card.order_date ? el("p", {class: "muted"}, `주문일 ${kdate(card.order_date)}`) : null,
    tracking,
    card.status === "cancelled"
      ? el("p", {class: "cancelled"}, "취소됨", card.cancelled_at ? ` · ${kdate(card.cancelled_at)}` : "") : null,
    card.delivered_at ? el("p", {}, `배송 완료 ${kdate(card.delivered_at)}`) : null);
}

export function ticketCard(card) {
  return el("article", {class: "card ticket", "data-ticket-id": card.ticket_id,
                        "aria-label": `문의 ${card.ticket_id}`},
    el("header", {}, el("strong", {}, card.ticket_id), " ", badge(card.status, card.status_label)),
    el("p", {}, `유형: ${card.issue_type}` + (card.order_id ? ` · 주문 ${card.order_id}` : "")),
    card.resolution_note ? el("p", {}, `처리 내용: ${card.resolution_note}`) : null,
    card.created_at ? el("p", {class: "muted"}, `접수 ${kdate(card.created_at)}`) : null);
}

function productCard(card) {
  return el("article", {class: "card product", "aria-label": `상품 ${card.title}`},
    el("header", {}, el("strong", {}, card.title)),
    el("p", {}, card.price != null ? won(card.price) : "", card.category ? ` · ${card.category}` : ""),
    card.in_stock === false ? badge("cancelled", "품절") : badge("delivered", "구매 가능"));
}

function factsCard(card) {
  return el("article", {class: "card facts", "aria-label": `${card.title} 요약`},
    el("header", {}, el("strong", {}, `${card.title}${card.section ? ` · ${card.section}` : ""}`)),
    el("dl", {}, card.facts.map((f) => [el("dt", {}, f.about || f.kind), el("dd", {}, f.value)])));
}

function tableCard(card) {
  return el("article", {class: "card table", "aria-label": card.title},
    el("div", {class: "scroll"}, el("table", {},
      el("caption", {}, card.title),
      el("thead", {}, el("tr", {}, card.columns.map((c) => el("th", {scope: "col"}, c)))),
      el("tbody", {}, card.rows.map((r) => el("tr", {}, r.map((v) => el("td", {}, v))))))));
}

export function renderCard(card) {
  switch (card.type) {
    case "order": return orderCard(card);
    case "ticket": return ticketCard(card);
    case "product": return productCard(card);
    case "facts": return factsCard(card);
    case "table": return tableCard(card);
    default: return null;
  }
}

// A citation: a button that expands to the quoted passage, fetched by its chunk id.
export function citation(c) {
  const passage = el("blockquote", {class: "passage", hidden: true, id: `passage-${c.chunk_id.replace(/\W/g, "-")}`});
  const button = el("button", {type: "button", class: "link", "aria-expanded": "false",
                               "aria-controls": passage.id},
    `출처: ${c.title}${c.section && c.section !== c.title ? ` › ${c.section}` : ""}`);
  button.addEventListener("click", async () => {
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
    passage.hidden = open;
    if (!open && !passage.dataset.loaded) {
      passage.textContent = "불러오는 중…";
      try {
        const section = await call(`/policies/sections/${encodeURIComponent(c.chunk_id)}`);
        passage.replaceChildren(el("p", {class: "muted"}, [section.title, ...section.heading].join(" › ")),
                                ...section.text.split("\n").map((line) => el("p", {}, line)));
        passage.dataset.loaded = "1";
      } catch (err) {
        passage.textContent = err.message;
      }
    }
  });
  return el("li", {class: "citation"}, button, passage);
}
