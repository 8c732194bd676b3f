/**
 * Updates waiting for the bot, in the order they happened. An update leaves the queue when the bot
 * confirms it: by asking getUpdates for a later offset, or by a 2xx answer to its webhook POST.
 * Until then it counts as pending, which is how waitForIdle knows the bot has caught up.
 */
import type { WireUpdate } from "./wire-types.ts";

export interface QueuedUpdate {
  update: WireUpdate;
  /** The chat the update belongs to, if any. */
  chatId: number | undefined;
  /** Handed to the bot at least once (by getUpdates or the webhook). */
  delivered: boolean;
}

/** Telegram's default when allowed_updates is empty or was never set. */
const NOT_SENT_BY_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export class UpdateQueue {
  private entries: QueuedUpdate[] = [];
  private nextUpdateId: number;
  private allowedUpdates: ReadonlySet<string> | undefined;
  private readonly listeners = new Set<() => void>();
  /** performance.now() of the last confirmation, so a quiet period starts after it. */
  lastConfirmedAt = 0;

  constructor(firstUpdateId = 100_000_001) {
    this.nextUpdateId = firstUpdateId;
  }

  /** Queues an update; returns undefined when allowed_updates filters it out, as Telegram drops it. */
  push(content: Omit<WireUpdate, "update_id"> & { update_id?: number }): QueuedUpdate | undefined {
    const updateId = content.update_id ?? this.nextUpdateId;
    // An explicit (possibly duplicate) id must not make later automatic ids collide or go backwards.
    this.nextUpdateId = Math.max(this.nextUpdateId, updateId + 1);
    const update = { ...content, update_id: updateId } as WireUpdate;
    if (!this.isAllowed(update)) return undefined;
    const entry: QueuedUpdate = { update, chatId: chatIdOf(update), delivered: false };
    this.entries.push(entry);
    for (const listener of [...this.listeners]) listener();
    return entry;
  }

  /** Applies allowed_updates from getUpdates or setWebhook; undefined keeps the previous setting. */
  setAllowedUpdates(types: readonly string[] | undefined): void {
    if (types === undefined) return;
    this.allowedUpdates = types.length === 0 ? undefined : new Set(types);
  }

  /**
   * getUpdates' offset: a positive one confirms every delivered update below it, a negative one
   * keeps only the last -offset updates. Undelivered updates with a lower id (duplicates pushed by
   * a test) stay: Telegram never has those, and dropping them unseen would hide the duplicate.
   */
  confirmOffset(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    const before = this.entries.length;
    if (offset > 0) {
      this.entries = this.entries.filter((entry) => !(entry.delivered && entry.update.update_id < offset));
    } else {
      this.entries = this.entries.slice(offset);
    }
    if (this.entries.length !== before) this.lastConfirmedAt = performance.now();
  }

  /** Removes one update that the webhook accepted. */
  confirm(entry: QueuedUpdate): void {
    this.entries = this.entries.filter((candidate) => candidate !== entry);
    this.lastConfirmedAt = performance.now();
  }

  take(limit: number): WireUpdate[] {
    const batch = this.entries.slice(0, limit);
    for (const entry of batch) entry.delivered = true;
    return batch.map((entry) => entry.update);
  }

  first(): QueuedUpdate | undefined {
    return this.entries[0];
  }

  size(): number {
    return this.entries.length;
  }

  pendingFor(chatId: number | undefined): number {
    if (chatId === undefined) return this.entries.length;
    return this.entries.filter((entry) => entry.chatId === chatId).length;
  }

  clear(): void {
    this.entries = [];
    this.lastConfirmedAt = performance.now();
  }

  /** Calls the listener after each queued update; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private isAllowed(update: WireUpdate): boolean {
    const type = updateType(update);
    if (type === undefined) return true;
    return this.allowedUpdates ? this.allowedUpdates.has(type) : !NOT_SENT_BY_DEFAULT.has(type);
  }
}

export function updateType(update: WireUpdate): string | undefined {
  return Object.keys(update).find((key) => key !== "update_id");
}

/** The chat an update is about, for per-chat waiting; undefined for chat-less updates. */
export function chatIdOf(update: WireUpdate): number | undefined {
  const type = updateType(update);
  if (type === undefined) return undefined;
  const payload = update[type] as { chat?: { id?: unknown }; message?: { chat?: { id?: unknown } }; from?: { id?: unknown } } | undefined;
  const id = payload?.chat?.id ?? payload?.message?.chat?.id;
  return typeof id === "number" ? id : undefined;
}
