/**
 * The people, chats and messages of the emulated Telegram, as both sides see them: the bot may only
 * reach chats Telegram would let it reach, and tests read the chat as the person sees it now.
 */
import { badRequest, forbidden } from "./api-error.ts";
import type { ReplyKeyboard } from "./reply-markup.ts";
import type { WireChat, WireMessage, WireUser } from "./wire-types.ts";

export interface NewUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface NewGroup {
  /** Negative, as Telegram's group ids are. */
  id: number;
  title: string;
  type?: "group" | "supergroup";
}

export interface StoredMessage {
  /** The message as it is now (after edits). */
  message: WireMessage;
  sender: "user" | "bot";
}

export interface ChatState {
  chat: WireChat;
  /** Live messages by id; deleted ones are removed. */
  messages: Map<number, StoredMessage>;
  nextMessageId: number;
  /** The reply keyboard under the input field, if the bot set one. */
  replyKeyboard: ReplyKeyboard | undefined;
  /** A private chat the person has not written in yet: Telegram won't let the bot start it. */
  userHasWritten: boolean;
  botBlocked: boolean;
  botLeft: boolean;
}

export class ChatStore {
  private readonly users = new Map<number, WireUser>();
  private readonly chats = new Map<number, ChatState>();

  addUser(input: NewUser): WireUser {
    if (!Number.isSafeInteger(input.id) || input.id <= 0) throw new Error(`A user id must be a positive integer, got ${input.id}`);
    const user: WireUser = { id: input.id, is_bot: false, first_name: input.first_name };
    if (input.last_name !== undefined) user.last_name = input.last_name;
    if (input.username !== undefined) user.username = input.username;
    if (input.language_code !== undefined) user.language_code = input.language_code;
    this.users.set(user.id, user);
    const chat: WireChat = { id: user.id, type: "private", first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    if (!this.chats.has(user.id)) this.chats.set(user.id, newChatState(chat));
    return user;
  }

  addGroup(input: NewGroup): WireChat {
    if (!Number.isSafeInteger(input.id) || input.id >= 0) throw new Error(`A group id must be a negative integer, got ${input.id}`);
    const chat: WireChat = { id: input.id, type: input.type ?? "group", title: input.title };
    this.chats.set(chat.id, newChatState(chat));
    return chat;
  }

  user(id: number): WireUser | undefined {
    return this.users.get(id);
  }

  chat(chatId: number): ChatState | undefined {
    return this.chats.get(chatId);
  }

  /** A chat the test refers to; a typo there is a test bug, so it throws a plain Error. */
  requireChat(chatId: number): ChatState {
    const state = this.chats.get(chatId);
    if (!state) throw new Error(`No chat ${chatId} in the emulator; create it with user() or group() first`);
    return state;
  }

  allChats(): ChatState[] {
    return [...this.chats.values()];
  }

  /** The chat a bot call names, refusing it the way Telegram does. */
  chatForBot(chatId: number | string | undefined): ChatState {
    if (chatId === undefined || chatId === "") throw badRequest("chat_id is empty");
    const id = typeof chatId === "number" ? chatId : Number(chatId);
    const state = Number.isSafeInteger(id) ? this.chats.get(id) : undefined;
    if (!state) throw badRequest("chat not found");
    if (state.chat.type === "private") {
      if (state.botBlocked) throw forbidden("bot was blocked by the user");
      if (!state.userHasWritten) throw forbidden("bot can't initiate conversation with a user");
    } else if (state.botLeft) {
      throw forbidden(state.chat.type === "group" ? "bot is not a member of the group chat" : "bot is not a member of the supergroup chat");
    }
    return state;
  }

  /** Adds a message with the chat's next id; ids are shared by both sides, as in Telegram. */
  append(state: ChatState, sender: StoredMessage["sender"], build: (messageId: number) => WireMessage): WireMessage {
    const message = build(state.nextMessageId);
    state.nextMessageId += 1;
    state.messages.set(message.message_id, { message, sender });
    if (sender === "user") state.userHasWritten = true;
    return message;
  }
}

function newChatState(chat: WireChat): ChatState {
  return {
    chat,
    messages: new Map(),
    nextMessageId: 1,
    replyKeyboard: undefined,
    userHasWritten: false,
    botBlocked: false,
    botLeft: false,
  };
}
