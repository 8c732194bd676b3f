/**
 * The three people of the preview (a respondent, an outreach worker, an analyst), each an
 * emulated Telegram user with a private chat, and what the page may do as them: read the
 * chat, type, and press buttons. Each action waits until the bot's reply has settled, so the
 * page can show it at once instead of on the next poll.
 */
import type { BotApiEmulator, CallbackAnswer, TranscriptEntry } from "../emulator/bot-api-emulator.ts";
import type { BotCommand } from "../emulator/bot-settings.ts";
import type { WireUser } from "../emulator/wire-types.ts";
import { decodeButton } from "../../src/bot/callback-data.ts";

export const ROLES = ["respondent", "outreach", "analyst"] as const;
export type Role = (typeof ROLES)[number];

/** Demo user ids; the outreach and analyst ids go into OUTREACH_IDS and ANALYST_IDS. */
export const PREVIEW_USER_IDS: Record<Role, number> = {
  respondent: 700_100_001,
  outreach: 700_100_002,
  analyst: 700_100_003,
};

const FIRST_NAMES: Record<Role, string> = { respondent: "Respondent", outreach: "Outreach", analyst: "Analyst" };
const FALLBACK_LANGUAGE = "ru";
const SETTLE_TIMEOUT_MS = 8_000;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Telegram clients send a bare two-letter code such as "kk"; browsers say "kk-KZ". */
export function telegramLanguageCode(browserLanguage: unknown): string {
  const primary = typeof browserLanguage === "string" ? browserLanguage.trim().toLowerCase().split(/[-_]/)[0] : undefined;
  return primary && /^[a-z]{2}$/.test(primary) ? primary : FALLBACK_LANGUAGE;
}

export interface PageButton {
  text: string;
  /** Callback data, pressed back as is. */
  data?: string;
  url?: string;
  /** The decoded callback data (kind, q, code, lang…), for data attributes tests and scripts can rely on. */
  decoded?: Record<string, string | number | boolean>;
}

export interface PageMessage {
  id: number;
  from: "user" | "bot";
  edited: boolean;
  text?: string;
  entities?: { type: string; offset: number; length: number; url?: string }[];
  photo?: { url: string; name: string };
  document?: { url: string; name: string; size: number | undefined };
  /** Anything else a person sent or got, described in a few words. */
  other?: string;
  buttons?: PageButton[][];
}

export interface ChatView {
  role: Role;
  userId: number;
  messages: PageMessage[];
  /** Buttons under the text box, when the bot set a reply keyboard. */
  replyKeyboard: string[][];
  /** The bot's answers to button presses (toasts and alerts), oldest first. */
  notices: { id: string; text: string; alert: boolean }[];
  menu: BotCommand[];
}

export class PreviewChats {
  private readonly users = new Map<Role, WireUser>();

  private readonly emulator: BotApiEmulator;

  constructor(emulator: BotApiEmulator) {
    this.emulator = emulator;
  }

  view(role: Role, languageCode: string): ChatView {
    const userId = PREVIEW_USER_IDS[role];
    const started = this.users.has(role);
    return {
      role,
      userId,
      messages: started ? this.emulator.transcript(userId).map(toPageMessage) : [],
      replyKeyboard: started ? (this.emulator.replyKeyboard(userId)?.keyboard.map((row) => row.map((button) => button.text)) ?? []) : [],
      notices: started ? this.emulator.callbackAnswers(userId).filter(hasText).map(toNotice) : [],
      menu: this.menu(userId, languageCode),
    };
  }

  /** Text from the box: a command when it starts with "/", else an answer. */
  async send(role: Role, languageCode: string, text: string): Promise<void> {
    const user = this.user(role, languageCode);
    const command = /^\/([A-Za-z0-9_]{1,32})(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
    if (command) this.emulator.sendCommand(user, command[1]!, command[2]?.trim() || undefined);
    else this.emulator.sendText(user, text);
    await this.settle(user.id);
  }

  /** Presses a button the chat shows now; an error when it is gone (the page is out of date). */
  async press(role: Role, languageCode: string, messageId: number, data: string): Promise<void> {
    const user = this.user(role, languageCode);
    this.emulator.pressButton(user, messageId, data, { strict: true });
    await this.settle(user.id);
  }

  file(fileId: string): { fileName: string | undefined; bytes: Buffer } | undefined {
    return this.emulator.file(fileId);
  }

  /** The user for a role, created on first use and kept in step with the browser's language. */
  private user(role: Role, languageCode: string): WireUser {
    const known = this.users.get(role);
    if (known && known.language_code === languageCode) return known;
    const user = this.emulator.user({ id: PREVIEW_USER_IDS[role], first_name: FIRST_NAMES[role], language_code: languageCode });
    this.users.set(role, user);
    return user;
  }

  private async settle(chatId: number): Promise<void> {
    // A slow reply is not an error: the page's polling shows it when it comes.
    await this.emulator.waitForIdle(chatId, { timeoutMs: SETTLE_TIMEOUT_MS }).catch(() => undefined);
  }

  /** The command menu as a Telegram client picks it: the most specific list that is set. */
  private menu(chatId: number, languageCode: string): BotCommand[] {
    const scopes = [{ type: "chat", chat_id: chatId }, { type: "all_private_chats" }, { type: "default" }];
    for (const scope of scopes) {
      for (const language of [languageCode, undefined]) {
        const commands = this.emulator.commands(scope, language);
        if (commands.length > 0) return commands;
      }
    }
    return [];
  }
}

function toPageMessage(entry: TranscriptEntry): PageMessage {
  const message: PageMessage = { id: entry.messageId, from: entry.from, edited: entry.edited };
  const text = entry.text ?? entry.caption;
  const entities = entry.text !== undefined ? entry.raw.entities : entry.raw.caption_entities;
  if (text !== undefined) message.text = text;
  if (entities && entities.length > 0) message.entities = entities.map(({ type, offset, length, url }) => ({ type, offset, length, ...(url ? { url } : {}) }));
  if (entry.photo) message.photo = { url: fileUrl(entry.photo.fileId), name: entry.photo.fileName ?? "photo" };
  if (entry.document) message.document = { url: fileUrl(entry.document.fileId), name: entry.document.fileName ?? "file", size: entry.document.size };
  const other = describeOther(entry);
  if (other) message.other = other;
  if (entry.buttons) {
    message.buttons = entry.buttons.map((row) =>
      row.map((button) => {
        const shown: PageButton = { text: button.text };
        if (button.callbackData !== undefined) {
          shown.data = button.callbackData;
          const decoded = decodeButton(button.callbackData);
          // A selection (a list of choice indexes) reads as its indexes separated by spaces.
          if (decoded) shown.decoded = Object.fromEntries(Object.entries(decoded).map(([key, value]) => [key, Array.isArray(value) ? value.join(" ") : value]));
        }
        if (button.url !== undefined) shown.url = button.url;
        return shown;
      }),
    );
  }
  return message;
}

function describeOther(entry: TranscriptEntry): string | undefined {
  if (entry.sticker) return `[sticker ${entry.sticker.emoji ?? ""}]`.replace(" ]", "]");
  if (entry.voice) return `[voice message, ${entry.voice.duration} s]`;
  if (entry.venue) return `[place: ${entry.venue.title}, ${entry.venue.address}]`;
  if (entry.location) return `[location ${entry.location.latitude}, ${entry.location.longitude}]`;
  if (entry.contact) return `[contact ${entry.contact.firstName}]`;
  return undefined;
}

function fileUrl(fileId: string): string {
  return `/api/file/${encodeURIComponent(fileId)}`;
}

function hasText(answer: CallbackAnswer): answer is CallbackAnswer & { text: string } {
  return answer.text !== undefined && answer.text !== "";
}

function toNotice(answer: CallbackAnswer & { text: string }): { id: string; text: string; alert: boolean } {
  return { id: answer.queryId, text: answer.text, alert: answer.showAlert };
}
