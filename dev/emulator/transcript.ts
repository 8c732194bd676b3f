/** A chat as the person sees it now, and a plain-text rendering of it for failure messages. */
import type { ChatState } from "./chat-store.ts";
import type { FileStore } from "./file-store.ts";
import type { WireMessage } from "./wire-types.ts";

export interface TranscriptButton {
  text: string;
  callbackData?: string;
  url?: string;
}

export interface TranscriptEntry {
  messageId: number;
  from: "user" | "bot";
  /** Unix seconds. */
  date: number;
  edited: boolean;
  text?: string;
  caption?: string;
  buttons?: TranscriptButton[][];
  document?: { fileId: string; fileName: string | undefined; size: number | undefined };
  photo?: { fileId: string; fileName: string | undefined };
  sticker?: { fileId: string; emoji: string | undefined };
  voice?: { fileId: string; duration: number };
  location?: { latitude: number; longitude: number };
  venue?: { title: string; address: string };
  contact?: { phoneNumber: string; firstName: string };
  replyToMessageId?: number;
  /** The message as the Bot API would return it, for anything not summarised above. */
  raw: WireMessage;
}

export function transcriptOf(state: ChatState, files: FileStore): TranscriptEntry[] {
  return [...state.messages.values()]
    .sort((a, b) => a.message.message_id - b.message.message_id)
    .map(({ message, sender }) => toEntry(message, sender, files));
}

function toEntry(message: WireMessage, sender: "user" | "bot", files: FileStore): TranscriptEntry {
  const entry: TranscriptEntry = { messageId: message.message_id, from: sender, date: message.date, edited: message.edit_date !== undefined, raw: message };
  if (message.text !== undefined) entry.text = message.text;
  if (message.caption !== undefined) entry.caption = message.caption;
  if (message.reply_markup) {
    entry.buttons = message.reply_markup.inline_keyboard.map((row) =>
      row.map((button) => {
        const shown: TranscriptButton = { text: button.text };
        if (button.callback_data !== undefined) shown.callbackData = button.callback_data;
        if (button.url !== undefined) shown.url = button.url;
        return shown;
      }),
    );
  }
  if (message.document) {
    entry.document = { fileId: message.document.file_id, fileName: message.document.file_name, size: message.document.file_size };
  }
  const largestPhoto = message.photo?.at(-1);
  if (largestPhoto) entry.photo = { fileId: largestPhoto.file_id, fileName: files.get(largestPhoto.file_id)?.fileName };
  if (message.sticker) entry.sticker = { fileId: message.sticker.file_id, emoji: message.sticker.emoji };
  if (message.voice) entry.voice = { fileId: message.voice.file_id, duration: message.voice.duration };
  if (message.venue) entry.venue = { title: message.venue.title, address: message.venue.address };
  else if (message.location) entry.location = { ...message.location };
  if (message.contact) entry.contact = { phoneNumber: message.contact.phone_number, firstName: message.contact.first_name };
  if (message.reply_to_message) entry.replyToMessageId = message.reply_to_message.message_id;
  return entry;
}

/** One line per message, e.g. `#3 bot: Choose a language [English|Русский]`. */
export function formatTranscript(chatId: number, entries: TranscriptEntry[]): string {
  if (entries.length === 0) return `chat ${chatId}: (no messages)`;
  const lines = entries.map((entry) => {
    const parts: string[] = [];
    if (entry.text !== undefined) parts.push(JSON.stringify(entry.text));
    if (entry.document) parts.push(`[document ${entry.document.fileName ?? entry.document.fileId}]`);
    if (entry.photo) parts.push(`[photo ${entry.photo.fileName ?? entry.photo.fileId}]`);
    if (entry.sticker) parts.push(`[sticker ${entry.sticker.emoji ?? ""}]`);
    if (entry.voice) parts.push(`[voice ${entry.voice.duration}s]`);
    if (entry.venue) parts.push(`[venue ${entry.venue.title}, ${entry.venue.address}]`);
    else if (entry.location) parts.push(`[location ${entry.location.latitude},${entry.location.longitude}]`);
    if (entry.contact) parts.push(`[contact ${entry.contact.firstName}]`);
    if (entry.caption !== undefined) parts.push(`caption ${JSON.stringify(entry.caption)}`);
    if (entry.buttons) parts.push(entry.buttons.map((row) => `[${row.map((button) => button.text).join(" | ")}]`).join(" "));
    return `  #${entry.messageId} ${entry.from}${entry.edited ? " (edited)" : ""}: ${parts.join(" ")}`;
  });
  return [`chat ${chatId}:`, ...lines].join("\n");
}
