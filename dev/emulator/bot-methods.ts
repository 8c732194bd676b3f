/**
 * The Bot API methods the emulator answers, each validating its parameters the way Telegram does
 * where a bot author would notice the difference (limits, "not modified", "not found", 403s).
 */
import { badRequest, BotApiError } from "./api-error.ts";
import type { ChatState, StoredMessage } from "./chat-store.ts";
import type { StoredFile } from "./file-store.ts";
import { applyParseMode, type FormattedText } from "./formatted-text.ts";
import { readInlineMarkupOnly, readReplyMarkup, sameInlineKeyboard, type ReplyMarkupEffect } from "./reply-markup.ts";
import type { RequestParams } from "./request-params.ts";
import type { WireEntity, WireMessage } from "./wire-types.ts";
import type { CommandScope } from "./bot-settings.ts";
import type { EmulatorWorld } from "./world.ts";

export type MethodHandler = (params: RequestParams, clientGone: AbortSignal) => unknown;

const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** Bots may delete messages only within 48 hours of sending. */
const DELETE_WINDOW_SECONDS = 48 * 60 * 60;
const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
  "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

/** All methods, keyed by lower-case name: Telegram matches method names case-insensitively. */
export function createBotMethods(world: EmulatorWorld): Map<string, MethodHandler> {
  const { chats, clock, files, events } = world;

  function formatText(params: RequestParams): FormattedText {
    const raw = params.string("text");
    if (raw === undefined || raw.trim() === "") throw badRequest("message text is empty");
    const formatted = applyParseMode(raw, params.string("parse_mode"), params.json<WireEntity[]>("entities"));
    if (formatted.text.trim() === "") throw badRequest("message text is empty");
    if (formatted.text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
    return formatted;
  }

  function formatCaption(params: RequestParams): FormattedText | undefined {
    const raw = params.string("caption");
    if (raw === undefined || raw === "") return undefined;
    const formatted = applyParseMode(raw, params.string("parse_mode"), params.json<WireEntity[]>("caption_entities"));
    if (formatted.text.length > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
    return formatted;
  }

  function replyTarget(state: ChatState, params: RequestParams): WireMessage | undefined {
    const replyParameters = params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>("reply_parameters");
    const messageId = replyParameters?.message_id ?? params.integer("reply_to_message_id");
    if (messageId === undefined) return undefined;
    const target = state.messages.get(messageId);
    const allowMissing = replyParameters?.allow_sending_without_reply ?? params.boolean("allow_sending_without_reply");
    if (!target && !allowMissing) throw badRequest("message to be replied not found");
    return target?.message;
  }

  /** The common tail of every send method: validate, then add the message and apply its markup. */
  function send(params: RequestParams, content: () => Partial<WireMessage>): WireMessage {
    const state = chats.chatForBot(params.raw("chat_id") as number | string | undefined);
    const markup = readReplyMarkup(params.json("reply_markup"));
    const fields = content();
    const replyTo = replyTarget(state, params);
    const message = chats.append(state, "bot", (messageId) => {
      const built: WireMessage = { message_id: messageId, from: world.bot, chat: state.chat, date: clock.unixSeconds(), ...fields };
      if (replyTo) built.reply_to_message = replyTo;
      if (markup.kind === "inline" && markup.keyboard.inline_keyboard.length > 0) built.reply_markup = markup.keyboard;
      if (params.boolean("protect_content")) built.has_protected_content = true;
      return built;
    });
    applyChatMarkup(state, markup);
    events.emit({ kind: "message", action: "sent", chatId: state.chat.id, message, sender: "bot" });
    return message;
  }

  function editableMessage(params: RequestParams): { state: ChatState; stored: StoredMessage } {
    if (params.has("inline_message_id")) throw badRequest("inline messages are not supported by the emulator");
    const state = chats.chatForBot(params.raw("chat_id") as number | string | undefined);
    const messageId = params.requireInteger("message_id", "message identifier is not specified");
    const stored = state.messages.get(messageId);
    if (!stored) throw badRequest("message to edit not found");
    if (stored.sender !== "bot") throw badRequest("message can't be edited");
    return { state, stored };
  }

  function replaceMessage(state: ChatState, stored: StoredMessage, changes: Partial<WireMessage>, keyboard: WireMessage["reply_markup"]): WireMessage {
    const next: WireMessage = { ...stored.message, ...changes, edit_date: clock.unixSeconds() };
    if (keyboard) next.reply_markup = keyboard;
    else delete next.reply_markup;
    stored.message = next;
    events.emit({ kind: "message", action: "edited", chatId: state.chat.id, message: next, sender: "bot" });
    return next;
  }

  function notModified(): BotApiError {
    return badRequest(
      "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
  }

  function deleteOne(state: ChatState, messageId: number): void {
    const stored = state.messages.get(messageId);
    if (!stored) throw badRequest("message to delete not found");
    const tooOld = clock.unixSeconds() - stored.message.date > DELETE_WINDOW_SECONDS;
    const othersInGroup = state.chat.type !== "private" && stored.sender === "user";
    if (tooOld || othersInGroup) throw badRequest("message can't be deleted");
    state.messages.delete(messageId);
    events.emit({ kind: "message", action: "deleted", chatId: state.chat.id, message: stored.message, sender: stored.sender });
  }

  function fileMessage(file: StoredFile, caption: FormattedText | undefined): Partial<WireMessage> {
    const fields: Partial<WireMessage> = {};
    const ref = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length };
    if (file.kind === "photo") {
      fields.photo = [{ ...ref, width: file.width, height: file.height }];
    } else {
      fields.document = { ...ref, mime_type: file.mimeType };
      if (file.fileName !== undefined) fields.document.file_name = file.fileName;
    }
    if (caption) {
      fields.caption = caption.text;
      if (caption.entities.length > 0) fields.caption_entities = caption.entities;
    }
    return fields;
  }

  function location(params: RequestParams): { latitude: number; longitude: number } {
    const latitude = params.number("latitude");
    const longitude = params.number("longitude");
    if (latitude === undefined || latitude < -90 || latitude > 90) throw badRequest("wrong latitude");
    if (longitude === undefined || longitude < -180 || longitude > 180) throw badRequest("wrong longitude");
    return { latitude, longitude };
  }

  function commandScope(params: RequestParams): CommandScope | undefined {
    return params.json<CommandScope>("scope");
  }

  const methods: Record<string, MethodHandler> = {
    getMe: () => world.bot,

    getUpdates: (params, clientGone) => {
      if (world.webhook.current) {
        throw new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      }
      world.queue.setAllowedUpdates(params.json<string[]>("allowed_updates"));
      const limit = Math.min(Math.max(params.integer("limit") ?? 100, 1), 100);
      return world.poller.poll({ offset: params.integer("offset"), limit, timeoutSeconds: params.integer("timeout") ?? 0, clientGone });
    },

    setWebhook: (params) => {
      const url = params.string("url") ?? "";
      if (params.boolean("drop_pending_updates")) world.queue.clear();
      if (url === "") {
        world.webhook.configure(undefined);
        return true;
      }
      if (!/^https?:\/\/[^/]+/i.test(url)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
      const secretToken = params.string("secret_token");
      if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
        throw badRequest("secret token contains unallowed characters");
      }
      const allowedUpdates = params.json<string[]>("allowed_updates");
      world.queue.setAllowedUpdates(allowedUpdates);
      world.poller.release();
      world.webhook.configure({ url, secretToken, maxConnections: params.integer("max_connections") ?? 40, allowedUpdates });
      return true;
    },

    deleteWebhook: (params) => {
      if (params.boolean("drop_pending_updates")) world.queue.clear();
      world.webhook.configure(undefined);
      return true;
    },

    getWebhookInfo: () => {
      const settings = world.webhook.current;
      const status = world.webhook.status();
      const info: Record<string, unknown> = { url: settings?.url ?? "", has_custom_certificate: false, pending_update_count: status.pendingUpdateCount };
      if (settings) {
        info["max_connections"] = settings.maxConnections;
        if (settings.allowedUpdates) info["allowed_updates"] = settings.allowedUpdates;
        if (status.lastErrorDate !== undefined) {
          info["last_error_date"] = status.lastErrorDate;
          info["last_error_message"] = status.lastErrorMessage;
        }
      }
      return info;
    },

    sendMessage: (params) =>
      send(params, () => {
        const formatted = formatText(params);
        const fields: Partial<WireMessage> = { text: formatted.text };
        if (formatted.entities.length > 0) fields.entities = formatted.entities;
        const preview = params.json<Record<string, unknown>>("link_preview_options");
        if (preview) fields.link_preview_options = preview;
        return fields;
      }),

    sendPhoto: (params) => send(params, () => fileMessage(files.resolveInput(params, "photo", "photo"), formatCaption(params))),

    sendDocument: (params) => send(params, () => fileMessage(files.resolveInput(params, "document", "document"), formatCaption(params))),

    sendLocation: (params) => send(params, () => ({ location: location(params) })),

    sendVenue: (params) =>
      send(params, () => {
        const point = location(params);
        const title = params.requireString("title", "venue title is empty");
        const address = params.requireString("address", "venue address is empty");
        return { location: point, venue: { location: point, title, address } };
      }),

    editMessageText: (params) => {
      const { state, stored } = editableMessage(params);
      if (stored.message.text === undefined) throw badRequest("there is no text in the message to edit");
      const formatted = formatText(params);
      const keyboard = readInlineMarkupOnly(params.json("reply_markup"));
      const sameText = formatted.text === stored.message.text && JSON.stringify(formatted.entities) === JSON.stringify(stored.message.entities ?? []);
      if (sameText && sameInlineKeyboard(keyboard, stored.message.reply_markup)) throw notModified();
      const changes: Partial<WireMessage> = { text: formatted.text, entities: formatted.entities.length > 0 ? formatted.entities : undefined };
      const preview = params.json<Record<string, unknown>>("link_preview_options");
      if (preview) changes.link_preview_options = preview;
      const next = replaceMessage(state, stored, changes, keyboard);
      if (next.entities === undefined) delete next.entities;
      return next;
    },

    editMessageCaption: (params) => {
      const { state, stored } = editableMessage(params);
      if (stored.message.text !== undefined) throw badRequest("there is no caption in the message to edit");
      const caption = formatCaption(params);
      const keyboard = readInlineMarkupOnly(params.json("reply_markup"));
      if ((caption?.text ?? undefined) === stored.message.caption && sameInlineKeyboard(keyboard, stored.message.reply_markup)) throw notModified();
      const next = replaceMessage(state, stored, { caption: caption?.text }, keyboard);
      if (next.caption === undefined) delete next.caption;
      return next;
    },

    editMessageReplyMarkup: (params) => {
      const { state, stored } = editableMessage(params);
      const keyboard = readInlineMarkupOnly(params.json("reply_markup"));
      if (sameInlineKeyboard(keyboard, stored.message.reply_markup)) throw notModified();
      return replaceMessage(state, stored, {}, keyboard);
    },

    deleteMessage: (params) => {
      const state = chats.chatForBot(params.raw("chat_id") as number | string | undefined);
      deleteOne(state, params.requireInteger("message_id", "message identifier is not specified"));
      return true;
    },

    deleteMessages: (params) => {
      const state = chats.chatForBot(params.raw("chat_id") as number | string | undefined);
      const ids = params.json<unknown[]>("message_ids");
      if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) throw badRequest("message_ids must contain 1-100 message identifiers");
      // Telegram skips messages it cannot delete and still answers true.
      for (const id of ids) {
        try {
          deleteOne(state, Number(id));
        } catch (error) {
          if (!(error instanceof BotApiError)) throw error;
        }
      }
      return true;
    },

    answerCallbackQuery: (params) => {
      world.callbacks.answer(params.string("callback_query_id"), {
        text: params.string("text"),
        showAlert: params.boolean("show_alert"),
        url: params.string("url"),
      });
      return true;
    },

    sendChatAction: (params) => {
      chats.chatForBot(params.raw("chat_id") as number | string | undefined);
      const action = params.string("action");
      if (action === undefined || !CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
      return true;
    },

    setMyCommands: (params) => {
      world.settings.setCommands(params.json("commands"), commandScope(params), params.string("language_code"));
      return true;
    },
    getMyCommands: (params) => world.settings.getCommands(commandScope(params), params.string("language_code")),
    deleteMyCommands: (params) => {
      world.settings.deleteCommands(commandScope(params), params.string("language_code"));
      return true;
    },

    setChatMenuButton: (params) => {
      const chatId = params.integer("chat_id");
      if (chatId !== undefined) chats.chatForBot(chatId);
      world.settings.setMenuButton(chatId, params.json("menu_button"));
      return true;
    },
    getChatMenuButton: (params) => world.settings.getMenuButton(params.integer("chat_id")),

    getFile: (params) => {
      const file = files.get(params.requireString("file_id", "file_id not specified"));
      if (!file) throw badRequest("invalid file_id");
      if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
      return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, file_path: file.filePath };
    },

    leaveChat: (params) => {
      const state = chats.chatForBot(params.raw("chat_id") as number | string | undefined);
      if (state.chat.type === "private") throw badRequest("chat member status can't be changed in private chats");
      state.botLeft = true;
      return true;
    },
  };

  return new Map(Object.entries(methods).map(([name, handler]) => [name.toLowerCase(), handler]));
}

/** A reply keyboard stays under the input field until the bot removes or replaces it. */
function applyChatMarkup(state: ChatState, markup: ReplyMarkupEffect): void {
  if (markup.kind === "reply-keyboard") state.replyKeyboard = markup.keyboard;
  if (markup.kind === "remove-keyboard") state.replyKeyboard = undefined;
}
