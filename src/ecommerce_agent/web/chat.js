// The shopper's chat: login, conversations, streamed replies, cards, 예/아니요 on a
// pending action by its id, and live messages from a person who took over.
import {ApiError, call, el, follow, kdate, loginForm, logout, session, stream} from "./api.js";
import {citation, orderCard, renderCard} from "./cards.js";

const app = document.getElementById("app");
const STARTERS = ["최근 주문 보여줘", "배송 언제 와요?", "반품 정책 알려줘", "상담원 연결해 주세요"];
const state = {conversationId: null, lastMessageId: 0, stopLive: null, busy: false, handedOff: false,
               hadAssignee: false};
let ui = null;

function setWho(user) {
  document.getElementById("who").textContent = user ? `${user.name}님` : "";
  const out = document.getElementById("logout");
  out.hidden = !user;
  out.onclick = async () => { await logout(); location.reload(); };
}

function layout() {
  const list = el("ul", {class: "conversation-list", id: "conversations"});
  const log = el("div", {class: "log", id: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                         "aria-label": "대화 내용", tabindex: "0"});
  const banner = el("div", {class: "banner", id: "banner", role: "status", hidden: true});
  const chips = el("div", {class: "chips", id: "chips", role: "group", "aria-label": "빠른 답변"});
  const input = el("textarea", {id: "composer-input", rows: "2", maxlength: "2000",
                                placeholder: "메시지를 입력하세요 (Enter 보내기, Shift+Enter 줄바꿈)",
                                "aria-label": "메시지"});
  const sendButton = el("button", {type: "submit", class: "primary", id: "send"}, "보내기");
  const status = el("p", {class: "sr-only", id: "status", role: "status", "aria-live": "assertive"});
  const form = el("form", {class: "composer", id: "composer"}, input, sendButton);
  const side = el("nav", {class: "side", "aria-label": "대화 목록"},
    el("button", {type: "button", class: "primary", id: "new-conversation", onclick: () => open(null)}, "새 대화"),
    el("h2", {class: "sr-only"}, "이전 대화"), list);
  const main = el("section", {class: "conversation", "aria-label": "상담 대화"}, banner, log, chips, form, status);
  app.replaceChildren(side, main);

  let composing = false;
  input.addEventListener("compositionstart", () => { composing = true; });
  input.addEventListener("compositionend", () => { composing = false; });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey) return;
    // Enter while a Korean syllable is being composed finishes the syllable; it must not send.
    if (event.isComposing || composing || event.keyCode === 229) return;
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || state.busy) return;
    input.value = "";
    say(text);
  });
  return {list, log, banner, chips, input, status};
}

async function loadConversations() {
  const {conversations} = await call("/conversations?limit=30");
  ui.list.replaceChildren(...conversations.map((c) => el("li", {},
    el("button", {type: "button", class: "conversation-item", "aria-current": c.conversation_id === state.conversationId
                  ? "true" : false, onclick: () => open(c.conversation_id)},
      el("span", {}, c.title || "새 대화"), el("span", {class: "muted"}, kdate(c.updated_at))))));
}

function bubble(role, text, extra = {}) {
  const label = {user: "나", assistant: "상담 에이전트", staff: `상담원 ${extra.staff_name || ""}`.trim(),
                 notice: "안내"}[role] || role;
  const body = el("div", {class: "text"}, text);
  const node = el("div", {class: `msg ${role}`, "data-role": role},
    el("span", {class: "who"}, label), body);
  ui.log.append(node);
  ui.log.scrollTop = ui.log.scrollHeight;
  return {node, body};
}

function decorate(node, message) {
  const cards = (message.cards || []).map(renderCard).filter(Boolean);
  if (cards.length) node.append(el("div", {class: "cards"}, cards));
  if (message.citations && message.citations.length) {
    node.append(el("ul", {class: "citations", "aria-label": "근거 문서"}, message.citations.map(citation)));
  }
}

function pendingButtons(node, actionId, summary) {
  const yes = el("button", {type: "button", class: "primary", "data-action": "confirm"}, "예");
  const no = el("button", {type: "button", "data-action": "decline"}, "아니요");
  const box = el("div", {class: "pending", role: "group", "aria-label": `확인 요청: ${summary || ""}`,
                         "data-action-id": actionId}, yes, no);
  const answer = async (kind, label) => {
    if (box.dataset.answered) return;  // a second click (or a double click) does nothing
    box.dataset.answered = kind;
    yes.disabled = no.disabled = true;
    bubble("user", label);
    try {
      const turn = await call(`/conversations/${state.conversationId}/actions/${encodeURIComponent(actionId)}/${kind}`,
                              {method: "POST"});
      showTurn(turn, bubble("assistant", ""));
    } catch (err) {
      bubble("notice", err.message);
    }
  };
  yes.addEventListener("click", () => answer("confirm", "예"));
  no.addEventListener("click", () => answer("decline", "아니요"));
  node.append(box);
  return yes;
}

function chips(labels) {
  ui.chips.replaceChildren(...labels.map((label) =>
    el("button", {type: "button", class: "chip", onclick: () => say(label)}, label)));
}

function banner(assignee) {
  if (assignee) {
    ui.banner.textContent = `상담원 ${assignee.name}님이 응대 중입니다. 메시지는 상담원에게 바로 전달됩니다.`;
    ui.banner.className = "banner staff";
    ui.banner.hidden = false;
  } else if (state.handedOff) {
    ui.banner.textContent = "상담원 연결을 요청했습니다. 담당자가 확인하는 대로 이 대화에서 답변드립니다.";
    ui.banner.className = "banner handoff";
    ui.banner.hidden = false;
  } else {
    ui.banner.hidden = true;
  }
}

async function refreshOrders(actions) {
  const ids = [...new Set((actions || []).map((a) => a.order_id).filter(Boolean))];
  for (const id of ids) {
    try {
      const order = await call(`/orders/${encodeURIComponent(id)}`);
      for (const old of ui.log.querySelectorAll(`.card.order[data-order-id="${id}"]`)) {
        old.replaceWith(orderCard(order));
      }
    } catch { /* the reply already says what happened */ }
  }
}

function showTurn(turn, target) {
  if (turn.staff) {  // a person holds the conversation: no agent reply
    target.node.remove();
    banner(turn.staff);
    ui.status.textContent = `상담원 ${turn.staff.name}님에게 전달했습니다.`;
    return;
  }
  target.body.textContent = turn.reply;
  decorate(target.node, turn);
  if (turn.pending_action) pendingButtons(target.node, turn.pending_action.id, turn.pending_action.summary);
  state.handedOff = state.handedOff || turn.handoff;
  banner(null);
  const orders = (turn.cards || []).filter((c) => c.type === "order");
  chips(turn.pending_action || turn.handoff ? [] : orders.length > 1 ? orders.slice(0, 4).map((o) => `${o.order_id} 자세히`) : []);
  refreshOrders(turn.actions);
  ui.status.textContent = "답변이 도착했습니다.";
}

async function say(text) {
  state.busy = true;
  ui.chips.replaceChildren();
  bubble("user", text);
  const target = bubble("assistant", "");
  target.node.setAttribute("aria-busy", "true");
  const wasNew = state.conversationId === null;
  try {
    let turn = null;
    await stream("/chat/stream", {json: {message: text, session_id: state.conversationId || undefined}},
      (name, data) => {
        if (name === "delta") { target.body.textContent += data.text; ui.log.scrollTop = ui.log.scrollHeight; }
        if (name === "turn") turn = data;
      });
    target.node.removeAttribute("aria-busy");
    if (turn) {
      if (wasNew) { state.conversationId = turn.session_id; live(); }
      showTurn(turn, target);
      loadConversations();
    }
  } catch (err) {
    target.node.remove();
    bubble("notice", err instanceof ApiError ? err.message : "연결이 끊겼습니다. 잠시 후 다시 보내 주세요.");
  } finally {
    state.busy = false;
    ui.input.focus();
  }
}

function live() {
  if (state.stopLive) state.stopLive();
  const id = state.conversationId;
  state.stopLive = follow(() => `/conversations/${id}/events?after=${state.lastMessageId}`, (name, data) => {
    if (id !== state.conversationId) return;
    if (name === "assignee") {
      if (!data.assignee && state.hadAssignee) state.handedOff = false;  // handed back: the agent answers again
      state.hadAssignee = Boolean(data.assignee);
      banner(data.assignee);
    }
    if (name === "message" && data.message_id > state.lastMessageId) {
      state.lastMessageId = data.message_id;
      // the shopper's own turns arrive through their reply stream; people's messages only here
      if (data.role === "staff" || data.role === "notice") {
        const shown = bubble(data.role, data.text, data);
        if (data.role === "staff") ui.status.textContent = `상담원 ${data.staff_name || ""}님의 새 메시지`;
        decorate(shown.node, data);
      }
    }
  });
}

async function open(conversationId) {
  state.conversationId = conversationId;
  state.lastMessageId = 0;
  state.handedOff = false;
  state.hadAssignee = false;
  ui.log.replaceChildren();
  banner(null);
  if (state.stopLive) { state.stopLive(); state.stopLive = null; }
  if (conversationId === null) {
    bubble("assistant", "안녕하세요! 주문 조회, 취소·반품, 배송, 정책 문의를 도와드립니다. 무엇을 도와드릴까요?");
    chips(STARTERS);
    loadConversations();
    ui.input.focus();
    return;
  }
  const detail = await call(`/conversations/${conversationId}`);
  state.handedOff = detail.status === "handed_off";
  const messages = detail.messages;
  messages.forEach((m, n) => {
    const shown = bubble(m.role, m.text, m);
    decorate(shown.node, m);
    if (n === messages.length - 1 && m.pending_action_id) pendingButtons(shown.node, m.pending_action_id, "");
    state.lastMessageId = Math.max(state.lastMessageId, m.message_id);
  });
  banner(detail.assignee);
  chips(messages.length ? [] : STARTERS);
  loadConversations();
  live();
  ui.input.focus();
}

async function start(user) {
  setWho(user);
  ui = layout();
  const wanted = new URLSearchParams(location.search).get("c");
  try {
    await open(wanted || null);
  } catch (err) {
    await open(null);
    bubble("notice", err.message);
  }
}

const current = session();
if (current && current.user) {
  call("/auth/me").then(start).catch(() => loginForm(app, {title: "고객센터 로그인", onLogin: start}));
} else {
  loginForm(app, {title: "고객센터 로그인", onLogin: start});
}
