/**
 * Validates reply_markup like Telegram and says what it does to the chat: an inline keyboard sticks
 * to the message, a reply keyboard or its removal changes what the person sees under the input field.
 */
import { badRequest } from "./api-error.ts";
import type { WireInlineButton, WireInlineKeyboard } from "./wire-types.ts";

export interface ReplyKeyboard {
  keyboard: { text: string; request_contact?: boolean; request_location?: boolean }[][];
  one_time_keyboard?: boolean;
  resize_keyboard?: boolean;
  is_persistent?: boolean;
  input_field_placeholder?: string;
}

export type ReplyMarkupEffect =
  | { kind: "none" }
  | { kind: "inline"; keyboard: WireInlineKeyboard }
  | { kind: "reply-keyboard"; keyboard: ReplyKeyboard }
  | { kind: "remove-keyboard" }
  | { kind: "force-reply" };

const BUTTON_ACTIONS = [
  "callback_data", "url", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
];
const MAX_CALLBACK_DATA_BYTES = 64;

export function readReplyMarkup(raw: unknown): ReplyMarkupEffect {
  if (raw === undefined || raw === null) return { kind: "none" };
  if (typeof raw !== "object") throw badRequest("can't parse reply keyboard markup JSON object");
  const markup = raw as Record<string, unknown>;
  if ("inline_keyboard" in markup) return { kind: "inline", keyboard: readInlineKeyboard(markup) };
  if ("keyboard" in markup) return { kind: "reply-keyboard", keyboard: readReplyKeyboard(markup) };
  if (markup["remove_keyboard"] === true) return { kind: "remove-keyboard" };
  if (markup["force_reply"] === true) return { kind: "force-reply" };
  throw badRequest("can't parse reply keyboard markup JSON object");
}

/** For edit methods, which accept only inline keyboards. Undefined means "no keyboard". */
export function readInlineMarkupOnly(raw: unknown): WireInlineKeyboard | undefined {
  const effect = readReplyMarkup(raw);
  if (effect.kind === "none") return undefined;
  if (effect.kind !== "inline") throw badRequest("inline keyboard expected");
  return effect.keyboard.inline_keyboard.length === 0 ? undefined : effect.keyboard;
}

function readInlineKeyboard(markup: Record<string, unknown>): WireInlineKeyboard {
  const rows = markup["inline_keyboard"];
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw badRequest("field \"inline_keyboard\" must be an Array of Arrays");
  return { inline_keyboard: (rows as unknown[][]).map((row) => row.map(readInlineButton)) };
}

function readInlineButton(raw: unknown): WireInlineButton {
  if (typeof raw !== "object" || raw === null) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  const button = raw as Record<string, unknown>;
  if (typeof button["text"] !== "string") throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  const actions = BUTTON_ACTIONS.filter((action) => button[action] !== undefined);
  if (actions.length === 0) throw badRequest("text buttons are unallowed in the inline keyboard");
  const data = button["callback_data"];
  if (data !== undefined) {
    const bytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : 0;
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
  }
  const url = button["url"];
  if (url !== undefined && !isButtonUrl(url)) throw badRequest(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
  // Key order is fixed so "is the keyboard unchanged?" can compare JSON text.
  const normalized: WireInlineButton = { text: button["text"] };
  for (const action of actions) normalized[action] = button[action];
  return normalized;
}

function isButtonUrl(url: unknown): boolean {
  if (typeof url !== "string") return false;
  try {
    const parsed = new URL(url);
    return ["http:", "https:", "tg:"].includes(parsed.protocol);
  } catch {
    return false;
  }
}

function readReplyKeyboard(markup: Record<string, unknown>): ReplyKeyboard {
  const rows = markup["keyboard"];
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw badRequest("field \"keyboard\" must be an Array of Arrays");
  const keyboard = (rows as unknown[][]).map((row) =>
    row.map((button) => {
      if (typeof button === "string") return { text: button };
      if (typeof button === "object" && button !== null && typeof (button as { text?: unknown }).text === "string") {
        return button as { text: string };
      }
      throw badRequest("can't parse keyboard button: KeyboardButton must be a String or an Object");
    }),
  );
  const result: ReplyKeyboard = { keyboard };
  for (const flag of ["one_time_keyboard", "resize_keyboard", "is_persistent"] as const) {
    if (markup[flag] === true) result[flag] = true;
  }
  if (typeof markup["input_field_placeholder"] === "string") result.input_field_placeholder = markup["input_field_placeholder"];
  return result;
}

export function sameInlineKeyboard(a: WireInlineKeyboard | undefined, b: WireInlineKeyboard | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Whether a callback button with this data is on the keyboard. */
export function keyboardHasCallbackData(keyboard: WireInlineKeyboard | undefined, data: string): boolean {
  return keyboard?.inline_keyboard.some((row) => row.some((button) => button.callback_data === data)) ?? false;
}
