// The preview chat page: polls the preview server for the chat as the chosen person sees it,
// and sends what they type and press. Plain DOM, no framework and no build step.
"use strict";

const POLL_MS = 500;
const NOTICE_MS = 4000;
/** Shown in the menu until the bot has registered its own command list. */
const FALLBACK_MENU = ["start", "language", "help", "back", "stop", "privacy", "delete", "invite", "stats", "export", "exports"]
  .map((command) => ({ command, description: "" }));
const SAFE_LINK = /^(https?:|tg:|mailto:|tel:)/i;
const PLAIN_URL = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;
const INVITE_LINK = /^https:\/\/t\.me\/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]{1,64})$/;

const $ = (id) => document.getElementById(id);
const list = $("messages");
const statusLine = $("status");
const empty = $("empty");
const notice = $("notice");
const replyKeyboard = $("reply-keyboard");
const composer = $("composer");
const input = $("text");
const menu = $("menu");

const params = new URLSearchParams(location.search);
const state = {
  role: roleFromHash() ?? "respondent",
  // Telegram gives the bot the app's language; here the browser's stands in (or ?lang=kk).
  lang: params.get("lang") ?? navigator.language ?? "ru",
  /** message id -> { signature, element } of what is on screen */
  shown: new Map(),
  /** notice ids already seen, per role, so switching roles does not replay old toasts */
  seenNotices: new Map(),
  menuSignature: "",
  replyKeyboardSignature: "",
  busy: 0,
  pollTimer: undefined,
};

// ---- talking to the preview server ----

async function api(path, body) {
  const response = await fetch(path, body === undefined
    ? { cache: "no-store" }
    : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role: state.role, lang: state.lang, ...body }) });
  const json = await response.json().catch(() => ({ error: `the preview server answered ${response.status}` }));
  if (!response.ok) throw Object.assign(new Error(json.error ?? `HTTP ${response.status}`), { status: response.status });
  return json;
}

async function refresh() {
  const role = state.role;
  const view = await api(`/api/chat?role=${encodeURIComponent(role)}&lang=${encodeURIComponent(state.lang)}`);
  if (role === state.role) render(view);
}

function schedulePoll() {
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(async () => {
    // A press or send in flight brings its own fresh view; polling meanwhile could show a half-settled chat.
    if (state.busy === 0) await refresh().catch((error) => showStatus("failed", `Lost the preview server: ${error.message}`));
    schedulePoll();
  }, POLL_MS);
}

/** Runs an action that answers with a fresh view, keeping focus sensible for keyboard users. */
async function act(action, { keepFocusOnInput = false } = {}) {
  state.busy += 1;
  // aria-busy holds screen-reader announcements until the bot's reply is all on screen.
  list.setAttribute("aria-busy", "true");
  const role = state.role;
  try {
    const view = await action();
    if (role === state.role) render(view);
  } catch (error) {
    showNotice(error.status === 409 ? "That button is no longer there; the chat has moved on." : error.message);
    await refresh().catch(() => undefined);
  } finally {
    state.busy -= 1;
    // A press the bot answered without changing the message leaves its buttons as they were: usable.
    for (const button of list.querySelectorAll("button:disabled")) button.disabled = false;
  }
  if (keepFocusOnInput) input.focus();
  else if (!list.contains(document.activeElement)) focusNewestButton();
  if (state.busy === 0) list.setAttribute("aria-busy", "false");
}

function send(text) {
  return act(() => api("/api/send", { text }), { keepFocusOnInput: true });
}

function press(messageId, data, keyboard) {
  for (const button of keyboard.querySelectorAll("button")) button.disabled = true;
  return act(() => api("/api/press", { messageId, data }));
}

// ---- rendering ----

function render(view) {
  showStatus(view.status.state, view.status.state === "failed" ? `The bot stopped: ${view.status.reason}` : undefined);
  renderMessages(view.messages);
  renderReplyKeyboard(view.replyKeyboard);
  renderMenu(view.menu.length > 0 ? view.menu : FALLBACK_MENU);
  renderNotices(view.notices);
  empty.hidden = view.messages.length > 0;
  // The demo sample is for analysts: it is what makes /export worth trying in the preview.
  $("demo").hidden = state.role !== "analyst";
}

function showStatus(kind, text) {
  statusLine.dataset.state = kind;
  statusLine.textContent = text ?? (kind === "ready" ? "Connected to the emulated Telegram" : "Starting the bot…");
}

/** Updates only messages that changed, so focus and screen-reader announcements stay calm. */
function renderMessages(messages) {
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const live = new Set();
  let previous = null;
  let added = false;
  for (const message of messages) {
    live.add(message.id);
    const signature = JSON.stringify(message);
    let entry = state.shown.get(message.id);
    if (!entry || entry.signature !== signature) {
      const element = messageElement(message);
      if (entry) replaceKeepingFocus(entry.element, element);
      else added = true;
      entry = { signature, element };
      state.shown.set(message.id, entry);
    }
    const wanted = previous ? previous.nextSibling : list.firstChild;
    if (wanted !== entry.element) list.insertBefore(entry.element, wanted);
    previous = entry.element;
  }
  for (const [id, entry] of state.shown) {
    if (live.has(id)) continue;
    entry.element.remove();
    state.shown.delete(id);
  }
  if (added && nearBottom) list.scrollTop = list.scrollHeight;
}

function replaceKeepingFocus(oldElement, newElement) {
  const focused = document.activeElement;
  const buttons = [...oldElement.querySelectorAll("button, a")];
  const index = oldElement.contains(focused) ? buttons.indexOf(focused) : -1;
  oldElement.replaceWith(newElement);
  if (index >= 0) newElement.querySelectorAll("button, a")[index]?.focus();
}

function messageElement(message) {
  const item = document.createElement("li");
  item.className = `message message--${message.from}`;
  item.dataset.messageId = String(message.id);
  item.dataset.from = message.from;
  item.dataset.testid = "message";

  const bubble = document.createElement("div");
  bubble.className = "bubble";
  const who = document.createElement("span");
  who.className = "visually-hidden";
  who.textContent = message.from === "bot" ? "Bot: " : "You: ";
  bubble.append(who);

  if (message.photo) {
    const image = document.createElement("img");
    image.src = message.photo.url;
    image.alt = message.text ? "" : `Picture from the bot (${message.photo.name})`;
    image.className = "photo";
    bubble.append(image);
  }
  if (message.text !== undefined) {
    const text = document.createElement("div");
    text.className = "text";
    text.append(formatted(message.text, message.entities ?? []));
    bubble.append(text);
  }
  if (message.document) {
    const link = document.createElement("a");
    link.className = "document";
    link.href = message.document.url;
    link.download = message.document.name;
    link.dataset.testid = "document";
    link.textContent = `📄 ${message.document.name}${message.document.size ? ` (${formatSize(message.document.size)})` : ""}`;
    bubble.append(link);
  }
  if (message.other) {
    const other = document.createElement("div");
    other.className = "other";
    other.textContent = message.other;
    bubble.append(other);
  }
  if (message.edited) {
    const edited = document.createElement("span");
    edited.className = "edited";
    edited.textContent = "edited";
    bubble.append(edited);
  }
  item.append(bubble);
  if (message.buttons && message.buttons.length > 0) item.append(keyboardElement(message));
  return item;
}

function keyboardElement(message) {
  const keyboard = document.createElement("div");
  keyboard.className = "keyboard";
  keyboard.setAttribute("role", "group");
  keyboard.setAttribute("aria-label", "Buttons");
  message.buttons.forEach((row, rowIndex) => {
    const line = document.createElement("div");
    line.className = "keyboard-row";
    row.forEach((button, columnIndex) => {
      const control = button.url !== undefined && button.data === undefined ? linkButton(button) : document.createElement("button");
      control.classList.add("inline-button");
      control.textContent = button.text;
      control.dataset.row = String(rowIndex);
      control.dataset.column = String(columnIndex);
      // Decoded callback data (kind, q, code, lang…) as data attributes: stable hooks that do not depend on wording.
      for (const [key, value] of Object.entries(button.decoded ?? {})) control.dataset[key] = String(value);
      if (button.data !== undefined) {
        control.type = "button";
        control.addEventListener("click", () => press(message.id, button.data, keyboard));
      }
      line.append(control);
    });
    keyboard.append(line);
  });
  return keyboard;
}

function linkButton(button) {
  const link = document.createElement("a");
  if (SAFE_LINK.test(button.url)) link.href = button.url;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  return link;
}

/** Telegram entities (UTF-16 offsets, as JavaScript strings count) turned into nested elements. */
function formatted(text, entities) {
  const fragment = document.createDocumentFragment();
  const sorted = entities.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset || b.length - a.length);
  appendRange(fragment, text, 0, text.length, sorted);
  return fragment;
}

/** `literal`: inside a link or code, where addresses stay as they are. */
function appendRange(parent, text, start, end, entities, literal = false) {
  const appendText = (part) => (literal ? parent.append(part) : appendPlain(parent, part));
  let position = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    if (entity.offset < position) { i += 1; continue; } // overlaps the previous one: Telegram never sends that
    if (entity.offset >= end) break;
    appendText(text.slice(position, entity.offset));
    const entityEnd = Math.min(entity.offset + entity.length, end);
    const inner = [];
    let j = i + 1;
    while (j < entities.length && entities[j].offset < entityEnd) inner.push(entities[j++]);
    const element = entityElement(entity, text.slice(entity.offset, entityEnd));
    appendRange(element, text, entity.offset, entityEnd, inner, literal || ["A", "CODE", "PRE"].includes(element.tagName));
    parent.append(element);
    position = entityEnd;
    i = j;
  }
  appendText(text.slice(position, end));
}

/** Plain text with its web addresses made clickable, as Telegram apps do. */
function appendPlain(parent, text) {
  let position = 0;
  for (const match of text.matchAll(PLAIN_URL)) {
    parent.append(text.slice(position, match.index));
    parent.append(linkFor(match[0]));
    position = match.index + match[0].length;
  }
  parent.append(text.slice(position));
}

function linkFor(url) {
  const link = document.createElement("a");
  link.href = url;
  link.textContent = url;
  const invite = INVITE_LINK.exec(url);
  if (!invite) {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }
  // There is no real Telegram behind the preview: an invite link opens the bot here, as the respondent.
  link.title = "Opens this invite in the preview, as the respondent";
  link.dataset.testid = "invite-link";
  link.addEventListener("click", (event) => {
    event.preventDefault();
    switchRole("respondent");
    void send(`/start ${invite[1]}`);
  });
  return link;
}

function entityElement(entity, content) {
  const tags = { bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code", pre: "pre", blockquote: "blockquote", expandable_blockquote: "blockquote" };
  if (tags[entity.type]) return document.createElement(tags[entity.type]);
  if (entity.type === "text_link" || entity.type === "url") {
    const href = entity.type === "url" ? (/^https?:/i.test(content) ? content : `https://${content}`) : entity.url ?? "";
    const link = document.createElement("a");
    if (SAFE_LINK.test(href)) link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }
  if (entity.type === "phone_number" || entity.type === "email") {
    const link = document.createElement("a");
    link.href = `${entity.type === "email" ? "mailto" : "tel"}:${content}`;
    return link;
  }
  const span = document.createElement("span");
  span.className = `entity-${entity.type}`;
  if (entity.type === "spoiler") {
    span.tabIndex = 0;
    span.setAttribute("role", "button");
    span.setAttribute("aria-label", "Hidden text; press to show");
    const reveal = () => { span.classList.add("revealed"); span.removeAttribute("role"); span.removeAttribute("aria-label"); };
    span.addEventListener("click", reveal);
    span.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") reveal(); });
  }
  return span;
}

function renderReplyKeyboard(rows) {
  // Rebuilt only when it changes, so polling never pulls focus off one of its buttons.
  const signature = JSON.stringify(rows);
  if (signature === state.replyKeyboardSignature) return;
  state.replyKeyboardSignature = signature;
  replyKeyboard.replaceChildren();
  replyKeyboard.hidden = rows.length === 0;
  for (const row of rows) {
    const line = document.createElement("div");
    line.className = "keyboard-row";
    for (const text of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "inline-button";
      button.textContent = text;
      button.addEventListener("click", () => send(text));
      line.append(button);
    }
    replyKeyboard.append(line);
  }
}

function renderMenu(commands) {
  const signature = JSON.stringify(commands);
  if (signature === state.menuSignature) return;
  state.menuSignature = signature;
  const items = commands.map(({ command, description }) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.command = command;
    const name = document.createElement("span");
    name.className = "command";
    name.textContent = `/${command}`;
    button.append(name);
    if (description) {
      const about = document.createElement("span");
      about.className = "description";
      about.textContent = description;
      button.append(about);
    }
    button.addEventListener("click", () => {
      menu.open = false;
      void send(`/${command}`);
    });
    item.append(button);
    return item;
  });
  $("menu-list").replaceChildren(...items);
  $("commands").replaceChildren(...commands.map(({ command }) => Object.assign(document.createElement("option"), { value: `/${command}` })));
}

function renderNotices(notices) {
  const seen = state.seenNotices.get(state.role);
  if (!seen) {
    // First look at this chat: old answers are history, not news.
    state.seenNotices.set(state.role, new Set(notices.map((n) => n.id)));
    return;
  }
  const fresh = notices.filter((n) => !seen.has(n.id));
  for (const n of fresh) seen.add(n.id);
  const newest = fresh.at(-1);
  if (newest) showNotice(newest.text);
}

function showNotice(text) {
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(showNotice.timer);
  showNotice.timer = setTimeout(() => { notice.hidden = true; }, NOTICE_MS);
}

function focusNewestButton() {
  const keyboards = list.querySelectorAll(".keyboard");
  const target = keyboards[keyboards.length - 1]?.querySelector("button:not(:disabled)");
  (target ?? input).focus({ preventScroll: false });
}

function formatSize(bytes) {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function roleFromHash() {
  const role = location.hash.slice(1);
  return ["respondent", "outreach", "analyst"].includes(role) ? role : undefined;
}

// ---- wiring ----

function switchRole(role) {
  if (role === state.role && state.shown.size > 0) return;
  state.role = role;
  history.replaceState(null, "", `${location.pathname}${location.search}#${role}`);
  state.shown.clear();
  list.replaceChildren();
  for (const radio of document.querySelectorAll('input[name="role"]')) radio.checked = radio.value === role;
  void refresh().catch(() => undefined);
}

for (const radio of document.querySelectorAll('input[name="role"]')) {
  radio.addEventListener("change", () => { if (radio.checked) switchRole(radio.value); });
}
composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  void send(text);
});
$("start").addEventListener("click", () => void send("/start"));
$("load-demo").addEventListener("click", async () => {
  const button = $("load-demo");
  button.disabled = true;
  try {
    const result = await api("/api/demo-data", {});
    showNotice(`Demo data: ${result.added} synthetic interviews added (${result.total} in all). Now send /export.`);
  } catch (error) {
    showNotice(`Demo data not loaded: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

switchRole(state.role);
schedulePoll();
