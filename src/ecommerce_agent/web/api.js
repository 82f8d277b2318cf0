// Shared by both pages: the session (tokens in sessionStorage), JSON calls with
// problem+json errors in Korean, and an SSE reader over fetch (EventSource cannot
// send the Authorization header or a POST body).

const KEY = "ecommerce-agent.session";

export function session() {
  try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch { return null; }
}

function save(value) {
  if (value) sessionStorage.setItem(KEY, JSON.stringify(value)); else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `요청을 처리하지 못했습니다 (${status}).`);
    this.status = status;
    this.code = body && body.code;
  }
}

async function refresh() {
  const s = session();
  if (!s || !s.refresh_token) return false;
  const r = await fetch("/auth/refresh", {method: "POST", headers: {"Content-Type": "application/json"},
                                         body: JSON.stringify({refresh_token: s.refresh_token})});
  if (!r.ok) { save(null); return false; }
  save({...s, ...(await r.json())});
  return true;
}

async function send(path, options = {}, retry = true) {
  const s = session();
  const headers = {...(options.headers || {})};
  if (s) headers.Authorization = `Bearer ${s.access_token}`;
  if (options.json !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, {method: options.method || (options.json !== undefined ? "POST" : "GET"), headers,
                               body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
                               signal: options.signal});
  if (r.status === 401 && retry && await refresh()) return send(path, options, false);
  return r;
}

export async function call(path, options = {}) {
  const r = await send(path, options);
  if (r.status === 204) return null;
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

export async function login(email, password) {
  const r = await fetch("/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
                                        body: JSON.stringify({email, password})});
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, body);
  save(body);
  const me = await call("/auth/me");
  save({...body, user: me});
  return me;
}

export async function logout() {
  try { await call("/auth/logout", {method: "POST"}); } catch { /* the token may have expired already */ }
  save(null);
}

// Read an SSE response: onEvent(name, data) per event. Resolves when the stream ends.
export async function stream(path, options, onEvent) {
  const r = await send(path, {...options, headers: {Accept: "text/event-stream"}});
  if (!r.ok) {
    const body = await r.json().catch(() => null);
    throw new ApiError(r.status, body);
  }
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, {stream: true}).replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}

// Keep a live stream open (reconnecting after the server closes it) until stop() is called.
export function follow(pathOf, onEvent) {
  const controller = new AbortController();
  let stopped = false;
  (async () => {
    while (!stopped) {
      try {
        await stream(pathOf(), {signal: controller.signal}, onEvent);
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) return;
        await new Promise((done) => setTimeout(done, 2000));  // back off before reconnecting
      }
    }
  })();
  return () => { stopped = true; controller.abort(); };
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const won = (n) => `${Number(n || 0).toLocaleString("ko-KR")}원`;

export function kdate(iso) {
  if (!iso) return "-";
  const d = new Date(iso);
  return d.toLocaleString("ko-KR", {timeZone: "Asia/Seoul", year: "numeric", month: "long", day: "numeric",
                                   hour: "2-digit", minute: "2-digit"});
}

export function waited(seconds) {
  if (seconds < 60) return `${seconds}초`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}분`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}시간 ${Math.floor((seconds % 3600) / 60)}분`;
  return `${Math.floor(seconds / 86400)}일`;
}

// A login form; resolves with the user once logged in (demo accounts shown only in development).
export async function loginForm(container, {title, onLogin}) {
  const config = await fetch("/ui/config").then((r) => r.json()).catch(() => ({demo_accounts: []}));
  const error = el("p", {class: "error", role: "alert", id: "login-error"});
  const email = el("input", {id: "login-email", type: "email", autocomplete: "username", required: true});
  const password = el("input", {id: "login-password", type: "password", autocomplete: "current-password",
                                required: true});
  const form = el("form", {class: "login", "aria-labelledby": "login-title"},
    el("h1", {id: "login-title"}, title),
    el("label", {for: "login-email"}, "이메일"), email,
    el("label", {for: "login-password"}, "비밀번호"), password,
    el("button", {type: "submit", class: "primary"}, "로그인"), error);
  if (config.demo_accounts && config.demo_accounts.length) {
    form.append(el("div", {class: "demo-hint"}, el("strong", {}, "개발 환경 데모 계정"),
      el("ul", {}, config.demo_accounts.map((a) =>
        el("li", {}, `${a.email} / ${a.password} (${a.role === "agent" ? "상담원" : "고객"})`)))));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      onLogin(await login(email.value.trim(), password.value));
    } catch (err) {
      error.textContent = err.message;
    }
  });
  container.replaceChildren(form);
  email.focus();
}
