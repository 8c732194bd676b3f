/** The emulator's shared state, handed to the bot-side methods and the user-side actions alike. */
import type { BotSettings } from "./bot-settings.ts";
import type { CallbackQueries } from "./callback-queries.ts";
import type { ChatStore } from "./chat-store.ts";
import type { EmulatorClock } from "./clock.ts";
import type { EventLog } from "./events.ts";
import type { FileStore } from "./file-store.ts";
import type { LongPoller } from "./long-poll.ts";
import type { UpdateQueue } from "./update-queue.ts";
import type { WebhookSender } from "./webhook-sender.ts";
import type { UserFromGetMe } from "grammy/types";

/** getMe's answer; grammY's own type, so a new field Telegram adds shows up here as a type error. */
export type BotIdentity = UserFromGetMe;

export interface EmulatorWorld {
  bot: BotIdentity;
  clock: EmulatorClock;
  chats: ChatStore;
  files: FileStore;
  queue: UpdateQueue;
  poller: LongPoller;
  webhook: WebhookSender;
  callbacks: CallbackQueries;
  settings: BotSettings;
  events: EventLog;
}
