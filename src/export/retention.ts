/**
 * Retention: completed records older than RETENTION_DAYS and export files older than
 * EXPORT_TTL_DAYS are deleted by a daily BullMQ job scheduler; unfinished sessions expire by
 * their own Redis TTL (SESSION_TTL_DAYS). Only counts are logged.
 */
import { Queue, Worker, type ConnectionOptions } from "bullmq";
import type { ExportFiles } from "./export-files.ts";
import type { RecordStore } from "../records/record-store.ts";
import { kazakhstanDay } from "../records/record.ts";

export const MAINTENANCE_QUEUE = "maintenance";
export const PURGE_SCHEDULER_ID = "daily-purge";
/** 03:00 in Kazakhstan, when nobody is answering. */
export const PURGE_PATTERN = "0 3 * * *";
export const PURGE_TIME_ZONE = "Asia/Almaty";

export interface PurgeOptions {
  /** The record store, or every study's (each study keeps its records apart). */
  store: RecordStore | readonly RecordStore[];
  files?: ExportFiles;
  retentionDays: number;
  now: () => Date;
}

export interface PurgeReport {
  records: number;
  files: number;
}

/** The first day whose records are still kept. */
export function oldestKeptDay(now: Date, retentionDays: number): string {
  return kazakhstanDay(new Date(now.getTime() - retentionDays * 86_400_000));
}

export async function purgeExpired(options: PurgeOptions): Promise<PurgeReport> {
  const stores = Array.isArray(options.store) ? (options.store as readonly RecordStore[]) : [options.store as RecordStore];
  let records = 0;
  for (const store of stores) records += await store.purgeOlderThan(oldestKeptDay(options.now(), options.retentionDays));
  const files = options.files ? await options.files.deleteExpired() : 0;
  return { records, files };
}

export interface RetentionScheduler {
  queue: Queue;
  worker: Worker;
  close(): Promise<void>;
}

/** Registers the daily purge (idempotent: every worker process may call it) and runs it. */
export async function scheduleRetention(
  connection: ConnectionOptions,
  options: PurgeOptions & { prefix?: string; onPurged?: (report: PurgeReport) => void },
): Promise<RetentionScheduler> {
  const prefix = options.prefix ? { prefix: options.prefix } : {};
  const queue = new Queue(MAINTENANCE_QUEUE, { connection, ...prefix });
  await queue.upsertJobScheduler(PURGE_SCHEDULER_ID, { pattern: PURGE_PATTERN, tz: PURGE_TIME_ZONE }, { name: "purge", opts: { removeOnComplete: 30, removeOnFail: 30 } });
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async () => {
      const report = await purgeExpired(options);
      options.onPurged?.(report);
      return report;
    },
    { connection, ...prefix },
  );
  return {
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
