/**
 * What a person does in Telegram, turned into the updates the bot receives. Each action also adds
 * to the chat as the person sees it, so transcripts show both sides in order.
 */
import type { ChatState } from "./chat-store.ts";
import type { FileKind } from "./file-store.ts";
import { keyboardHasCallbackData } from "./reply-markup.ts";
import type { WireChat, WireEntity, WireMessage, WireUpdate, WireUser } from "./wire-types.ts";
import type { EmulatorWorld } from "./world.ts";

export interface TextOptions {
  /** Reply to this message id in the same chat. */
  replyTo?: number;
  entities?: WireEntity[];
}

export interface PressOptions {
  /** Refuse to press data that is not on the message's current keyboard (off by default so tests can press stale or forged buttons). */
  strict?: boolean;
  /** The chat the message is in; the user's private chat by default. */
  chatId?: number;
}

export interface PressResult {
  queryId: string;
  updateId: number | undefined;
}

export interface UserFile {
  bytes?: Buffer;
  fileName?: string;
}

export class UserActions {
  private readonly world: EmulatorWorld;

  constructor(world: EmulatorWorld) {
    this.world = world;
  }

  sendText(user: WireUser, text: string, options: TextOptions = {}, chat?: WireChat): WireMessage {
    if (text.length === 0) throw new Error("Telegram clients cannot send an empty message");
    const state = this.chatOf(user, chat);
    // A one-time reply keyboard hides once the person answers.
    if (state.replyKeyboard?.one_time_keyboard) state.replyKeyboard = undefined;
    return this.post(user, state, (base) => {
      const message: WireMessage = { ...base, text };
      if (options.entities && options.entities.length > 0) message.entities = options.entities;
      if (options.replyTo !== undefined) {
        const target = state.messages.get(options.replyTo);
        if (!target) throw new Error(`Message ${options.replyTo} is not in chat ${state.chat.id}, so it cannot be replied to`);
        message.reply_to_message = target.message;
      }
      return message;
    });
  }

  /** "/start payload" with its bot_command entity; in groups the command names the bot. */
  sendCommand(user: WireUser, command: string, payload?: string, chat?: WireChat): WireMessage {
    const name = command.startsWith("/") ? command : `/${command}`;
    const state = this.chatOf(user, chat);
    const written = state.chat.type === "private" ? name : `${name}@${this.world.bot.username}`;
    const text = payload === undefined || payload === "" ? written : `${written} ${payload}`;
    return this.sendText(user, text, { entities: [{ type: "bot_command", offset: 0, length: written.length }] }, chat);
  }

  pressButton(user: WireUser, messageId: number, data: string, options: PressOptions = {}): PressResult {
    const state = this.world.chats.requireChat(options.chatId ?? user.id);
    const stored = state.messages.get(messageId);
    if (options.strict) {
      if (!stored) throw new Error(`Message ${messageId} is not in chat ${state.chat.id} (deleted or never sent), so its buttons cannot be pressed`);
      if (!keyboardHasCallbackData(stored.message.reply_markup, data)) {
        const onKeyboard = stored.message.reply_markup?.inline_keyboard.flat().map((button) => button.callback_data) ?? [];
        throw new Error(`No button with data "${data}" on message ${messageId}; its keyboard has ${JSON.stringify(onKeyboard)}`);
      }
    }
    const queryId = this.world.callbacks.register({ chatId: state.chat.id, messageId, data });
    // A message the client still shows but the bot can no longer see arrives as "inaccessible" (date 0).
    const message = stored ? stored.message : { chat: state.chat, message_id: messageId, date: 0 as const };
    const entry = this.world.queue.push({
      callback_query: { id: queryId, from: user, message, chat_instance: String(state.chat.id), data },
    });
    return { queryId, updateId: entry?.update.update_id };
  }

  editMessage(user: WireUser, messageId: number, newText: string, chat?: WireChat): WireMessage {
    const state = this.chatOf(user, chat);
    const stored = state.messages.get(messageId);
    if (!stored || stored.sender !== "user" || stored.message.from?.id !== user.id) {
      throw new Error(`Message ${messageId} in chat ${state.chat.id} is not one of ${user.first_name}'s, so they cannot edit it`);
    }
    const edited: WireMessage = { ...stored.message, text: newText, edit_date: this.world.clock.unixSeconds() };
    delete edited.entities;
    stored.message = edited;
    this.world.events.emit({ kind: "message", action: "edited", chatId: state.chat.id, message: edited, sender: "user" });
    this.world.queue.push({ edited_message: edited });
    return edited;
  }

  sendPhoto(user: WireUser, file: UserFile & { caption?: string } = {}, chat?: WireChat): WireMessage {
    const stored = this.storeFile("photo", file, "photo.jpg");
    return this.post(user, this.chatOf(user, chat), (base) => {
      const message: WireMessage = {
        ...base,
        photo: [{ file_id: stored.fileId, file_unique_id: stored.fileUniqueId, file_size: stored.bytes.length, width: stored.width, height: stored.height }],
      };
      if (file.caption !== undefined) message.caption = file.caption;
      return message;
    });
  }

  sendSticker(user: WireUser, sticker: UserFile & { emoji?: string } = {}, chat?: WireChat): WireMessage {
    const stored = this.storeFile("sticker", sticker, "sticker.webp");
    return this.post(user, this.chatOf(user, chat), (base) => ({
      ...base,
      sticker: {
        file_id: stored.fileId, file_unique_id: stored.fileUniqueId, file_size: stored.bytes.length,
        type: "regular", width: 512, height: 512, is_animated: false, is_video: false,
        ...(sticker.emoji === undefined ? {} : { emoji: sticker.emoji }),
      },
    }));
  }

  sendVoice(user: WireUser, voice: UserFile & { duration?: number } = {}, chat?: WireChat): WireMessage {
    const stored = this.storeFile("voice", voice, "voice.oga");
    return this.post(user, this.chatOf(user, chat), (base) => ({
      ...base,
      voice: { file_id: stored.fileId, file_unique_id: stored.fileUniqueId, file_size: stored.bytes.length, duration: voice.duration ?? 3, mime_type: "audio/ogg" },
    }));
  }

  sendLocation(user: WireUser, latitude: number, longitude: number, chat?: WireChat): WireMessage {
    return this.post(user, this.chatOf(user, chat), (base) => ({ ...base, location: { latitude, longitude } }));
  }

  /** Shares a contact; by default the person's own, as the "share my phone" button does. */
  sendContact(user: WireUser, contact: { phone_number: string; first_name?: string; user_id?: number }, chat?: WireChat): WireMessage {
    return this.post(user, this.chatOf(user, chat), (base) => ({
      ...base,
      contact: { phone_number: contact.phone_number, first_name: contact.first_name ?? user.first_name, user_id: contact.user_id ?? user.id },
    }));
  }

  pushUpdate(update: Omit<WireUpdate, "update_id"> & { update_id?: number }): WireUpdate | undefined {
    // Without an update_id the next one is used; an explicit one (a duplicate) must be an integer.
    if (update.update_id !== undefined && !Number.isSafeInteger(update.update_id)) throw new Error("pushUpdate needs an integer update_id");
    return this.world.queue.push(update)?.update;
  }

  private chatOf(user: WireUser, chat: WireChat | undefined): ChatState {
    if (!this.world.chats.user(user.id)) throw new Error(`User ${user.id} is not in the emulator; create it with user() first`);
    const state = this.world.chats.requireChat(chat?.id ?? user.id);
    if (state.chat.type !== "private" && state.botLeft) throw new Error(`The bot left chat ${state.chat.id}, so it would not see this message`);
    return state;
  }

  private storeFile(kind: FileKind, file: UserFile, defaultName: string) {
    // Placeholder bytes are fine for bots that only look at file ids; tests that download pass real ones.
    return this.world.files.add(kind, file.bytes ?? Buffer.from(`${kind} from emulator`), file.fileName ?? defaultName);
  }

  private post(user: WireUser, state: ChatState, build: (base: WireMessage) => WireMessage): WireMessage {
    const message = this.world.chats.append(state, "user", (messageId) =>
      build({ message_id: messageId, from: user, chat: state.chat, date: this.world.clock.unixSeconds() }),
    );
    this.world.events.emit({ kind: "message", action: "sent", chatId: state.chat.id, message, sender: "user" });
    this.world.queue.push({ message });
    return message;
  }
}
