// The staff console: the queue, a conversation with its turn traces, live takeover
// (claim, reply, hand back), resolving a ticket with a note, and the audit log.
import {call, el, follow, kdate, loginForm, logout, session, waited, won} from "./api.js";
import {badge, citation, renderCard} from "./cards.js";

const app = document.getElementById("app");
const ISSUE = {refund: "반품·환불", exchange: "교환", defect: "불량·오배송", shipping: "배송", inquiry: "일반 문의",
               other: "기타"};
let me = null;
let ui = null;
const view = {conversationId: null, ticketId: null, lastMessageId: 0, stopLive: null};

function setWho(user) {
  document.getElementById("who").textContent = user ? `${user.name}님 (${user.role === "agent" ? "상담원" : "고객"})` : "";
  const out = document.getElementById("logout");
  out.hidden = !user;
  out.onclick = async () => { await logout(); location.reload(); };
}

function select(id, label, options) {
  return [el("label", {for: id}, label),
          el("select", {id}, options.map(([value, text]) => el("option", {value}, text)))];
}

function layout() {
  const list = el("ul", {class: "queue-list", id: "queue-items"});
  const filters = el("form", {class: "filters", id: "filters", role: "search", "aria-label": "대기열 필터"},
    ...select("filter-kind", "종류", [["", "전체"], ["handoff", "상담원 연결"], ["ticket", "문의"]]),
    ...select("filter-status", "상태", [["", "접수·처리중"], ["open", "접수"], ["in_progress", "처리중"],
                                      ["resolved", "처리완료"]]),
    ...select("filter-type", "유형", [["", "전체"], ...Object.entries(ISSUE)]),
    el("label", {for: "filter-q"}, "검색"),
    el("input", {id: "filter-q", type: "search", placeholder: "주문번호, 문의번호, 고객 이메일"}),
    el("button", {type: "submit"}, "찾기"));
  const queue = el("section", {class: "queue", id: "queue", "aria-labelledby": "queue-title", tabindex: "-1"},
    el("h1", {id: "queue-title"}, "상담 대기열"), filters,
    el("p", {class: "muted", id: "queue-count", role: "status"}), list,
    el("button", {type: "button", class: "link", id: "show-audit", onclick: showAudit}, "감사 기록 보기"));
  const detail = el("section", {class: "detail", id: "detail", "aria-label": "상세", "aria-live": "polite"},
    el("p", {class: "muted"}, "왼쪽 대기열에서 대화나 문의를 고르세요."));
  app.replaceChildren(queue, detail);
  filters.addEventListener("submit", (event) => { event.preventDefault(); loadQueue(); });
  filters.addEventListener("change", () => loadQueue());
  return {list, detail, count: queue.querySelector("#queue-count")};
}

async function loadQueue() {
  const params = new URLSearchParams();
  for (const [id, key] of [["filter-kind", "kind"], ["filter-status", "status"], ["filter-type", "type"],
                           ["filter-q", "q"]]) {
    const value = document.getElementById(id).value.trim();
    if (value) params.set(key, value);
  }
  try {
    const {items, count} = await call(`/console/queue?${params}`);
    ui.count.textContent = `${count}건`;
    ui.list.replaceChildren(...items.map((item) => el("li", {},
      el("button", {type: "button", class: `queue-item ${item.kind}`, "data-conversation-id": item.conversation_id,
                    "data-ticket-id": item.ticket_id,
                    onclick: () => item.conversation_id ? openConversation(item.conversation_id) : openTicket(item)},
        el("span", {class: "kind"}, item.kind === "handoff" ? "상담원 연결" : ISSUE[item.issue_type] || "문의"),
        el("strong", {}, `${item.customer.name} · ${item.customer.email}`),
        el("span", {}, item.summary),
        el("span", {class: "muted"}, [item.ticket_id, item.order_id].filter(Boolean).join(" · ")),
        el("span", {class: "wait"}, `대기 ${waited(item.waiting_seconds)}`),
        item.assignee ? el("span", {class: "badge info"}, `${item.assignee.name} 응대 중`) : null))));
  } catch (err) {
    ui.count.textContent = err.message;
  }
}

function trace(m) {
  if (m.role !== "assistant") return null;
  const tools = (m.tools || []).map((t) => `${t.name}${t.ok ? "" : " (실패)"} ${t.ms}ms`).join(", ") || "없음";
  return el("details", {class: "trace"}, el("summary", {}, `의도 ${m.intent || "-"} · 신뢰도 ${m.confidence ?? "-"}`),
    el("dl", {}, el("dt", {}, "도구 호출"), el("dd", {}, tools),
       el("dt", {}, "처리한 일"), el("dd", {}, (m.actions || []).map((a) => `${a.type} ${a.order_id || a.ticket_id || ""}`)
                                        .join(", ") || "없음"),
       el("dt", {}, "추적 id"), el("dd", {}, m.trace_id || "-")),
    m.citations && m.citations.length ? el("ul", {class: "citations"}, m.citations.map(citation)) : null);
}

function messageNode(m) {
  const label = {user: "고객", assistant: "에이전트", staff: `상담원 ${m.staff_name || ""}`, notice: "안내"}[m.role];
  return el("div", {class: `msg ${m.role}`, "data-role": m.role},
    el("span", {class: "who"}, `${label} · ${kdate(m.created_at)}`), el("div", {class: "text"}, m.text),
    (m.cards || []).length ? el("div", {class: "cards"}, m.cards.map(renderCard).filter(Boolean)) : null, trace(m));
}

function customerPanel(orders, tickets) {
  return el("aside", {class: "customer", "aria-label": "고객 정보"},
    el("h3", {}, "최근 주문"),
    el("ul", {}, orders.map((o) => el("li", {}, `${o.order_id} `, badge(o.status, o.status_label),
                                          ` ${won(o.total_amount)}`))),
    el("h3", {}, "문의"),
    el("ul", {}, tickets.map((t) => el("li", {}, `${t.ticket_id} `, badge(t.status, t.status_label),
                                           ` ${ISSUE[t.issue_type] || t.issue_type}`,
                                           t.status === "open" || t.status === "in_progress" ? resolveForm(t.ticket_id) : null))));
}

function resolveForm(ticketId) {
  const note = el("textarea", {rows: "2", "aria-label": `${ticketId} 처리 내용 (고객에게 보입니다)`,
                               class: "resolve-note", "data-ticket-id": ticketId});
  const form = el("form", {class: "resolve", "data-ticket-id": ticketId}, note,
    el("button", {type: "submit"}, "처리 완료"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!note.value.trim()) { note.focus(); return; }
    try {
      await call(`/tickets/${encodeURIComponent(ticketId)}/resolve`, {json: {note: note.value.trim()}});
      form.replaceWith(el("span", {class: "badge ok"}, "처리 완료했습니다"));
      loadQueue();
    } catch (err) {
      form.append(el("p", {class: "error", role: "alert"}, err.message));
    }
  });
  return form;
}

async function openConversation(conversationId) {
  if (view.stopLive) view.stopLive();
  view.conversationId = conversationId;
  const data = await call(`/console/conversations/${conversationId}`);
  view.lastMessageId = Math.max(0, ...data.messages.map((m) => m.message_id));
  const mine = data.assignee && data.assignee.staff_id === me.user_id;
  const transcript = el("div", {class: "log", id: "transcript", role: "log", "aria-live": "polite",
                                "aria-label": "대화 기록", tabindex: "0"}, data.messages.map(messageNode));
  const claim = el("button", {type: "button", class: "primary", id: "claim", hidden: Boolean(data.assignee)},
                   "대화 인수");
  const release = el("button", {type: "button", id: "release", hidden: !mine}, "에이전트에게 돌려주기");
  const replyInput = el("textarea", {id: "reply-input", rows: "2", "aria-label": "고객에게 보낼 답변",
                                     disabled: !mine});
  const reply = el("form", {class: "composer", id: "reply"}, replyInput,
    el("button", {type: "submit", class: "primary", disabled: !mine}, "보내기"));
  const notice = el("p", {class: "muted", role: "status", id: "assignee-status"},
    data.assignee ? `상담원 ${data.assignee.name}님이 응대 중` : "에이전트가 응대 중 (인수 전)");
  ui.detail.replaceChildren(
    el("h2", {}, `${data.customer.name}님의 대화`),
    el("p", {class: "muted"}, `${data.customer.email} · ${data.conversation.conversation_id}` +
       (data.handoff_ticket_id ? ` · 연결 문의 ${data.handoff_ticket_id}` : "")),
    el("div", {class: "actions"}, claim, release, notice),
    el("div", {class: "split"}, el("div", {}, transcript, reply), customerPanel(data.orders, data.tickets)));
  transcript.scrollTop = transcript.scrollHeight;
  claim.addEventListener("click", async () => {
    try { await call(`/console/conversations/${conversationId}/claim`, {method: "POST"}); }
    catch (err) { notice.textContent = err.message; }
    openConversation(conversationId);
    loadQueue();
  });
  release.addEventListener("click", async () => {
    try { await call(`/console/conversations/${conversationId}/release`, {method: "POST"}); }
    catch (err) { notice.textContent = err.message; }
    openConversation(conversationId);
    loadQueue();
  });
  const sendReply = async () => {
    const text = replyInput.value.trim();
    if (!text) return;
    replyInput.value = "";
    try { await call(`/console/conversations/${conversationId}/messages`, {json: {text}}); }
    catch (err) { notice.textContent = err.message; }
  };
  reply.addEventListener("submit", (event) => { event.preventDefault(); sendReply(); });
  let composing = false;
  replyInput.addEventListener("compositionstart", () => { composing = true; });
  replyInput.addEventListener("compositionend", () => { composing = false; });
  replyInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !(event.isComposing || composing || event.keyCode === 229)) {
      event.preventDefault();
      sendReply();
    }
  });
  view.stopLive = follow(() => `/conversations/${conversationId}/events?after=${view.lastMessageId}`, (name, m) => {
    if (view.conversationId !== conversationId || name !== "message" || m.message_id <= view.lastMessageId) return;
    view.lastMessageId = m.message_id;
    transcript.append(messageNode(m));
    transcript.scrollTop = transcript.scrollHeight;
  });
  (mine ? replyInput : claim.hidden ? release : claim).focus();
}

async function openTicket(item) {
  if (view.stopLive) { view.stopLive(); view.stopLive = null; }
  view.conversationId = null;
  const ticket = await call(`/tickets/${encodeURIComponent(item.ticket_id)}`);
  const [{orders}, {tickets}] = await Promise.all([
    call(`/users/${ticket.user_id}/orders?limit=10`), call(`/users/${ticket.user_id}/tickets?limit=10`)]);
  ui.detail.replaceChildren(
    el("h2", {}, `문의 ${ticket.ticket_id}`),
    el("p", {}, badge(ticket.status, ticket.status_label), ` ${ISSUE[ticket.issue_type] || ticket.issue_type}`,
       ticket.order_id ? ` · 주문 ${ticket.order_id}` : ""),
    el("p", {class: "muted"}, `${item.customer.name} · ${item.customer.email} · 접수 ${kdate(ticket.created_at)}`),
    el("pre", {class: "description"}, ticket.description),
    customerPanel(orders, tickets));
}

async function showAudit() {
  if (view.stopLive) { view.stopLive(); view.stopLive = null; }
  const {entries} = await call("/console/audit?limit=100");
  ui.detail.replaceChildren(el("h2", {}, "감사 기록"), el("div", {class: "scroll"}, el("table", {class: "audit"},
    el("caption", {class: "sr-only"}, "상담원 작업 감사 기록"),
    el("thead", {}, el("tr", {}, ["언제", "누가", "무엇을", "누구의", "대상", "사유", "결과"].map((h) => el("th", {scope: "col"}, h)))),
    el("tbody", {}, entries.map((e) => el("tr", {}, [kdate(e.at), e.staff_id, e.action, e.customer_id || "-", e.resource,
                                                    e.reason || "-", e.result].map((v) => el("td", {}, v))))))));
}

async function start(user) {
  me = user;
  setWho(user);
  if (user.role !== "agent") {
    app.replaceChildren(el("section", {class: "refused"}, el("h1", {}, "상담원 콘솔"),
      el("p", {role: "alert", id: "refused"}, "상담원만 이용할 수 있습니다. 고객 상담은 채팅 화면을 이용해 주세요."),
      el("a", {href: "/"}, "채팅 화면으로 가기")));
    return;
  }
  ui = layout();
  await loadQueue();
  setInterval(loadQueue, 10000);  // the queue refreshes itself; a conversation's messages stream live
}

const current = session();
if (current && current.user) {
  call("/auth/me").then(start).catch(() => loginForm(app, {title: "상담원 로그인", onLogin: start}));
} else {
  loginForm(app, {title: "상담원 로그인", onLogin: start});
}
