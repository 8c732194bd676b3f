/**
 * The `exports` queue: what an export job carries, its deterministic id, and how it is queued.
 *
 * The worker must send the file to the analyst's chat, but a Telegram id must not sit in Redis
 * in the clear: the job stores it sealed with the data key (`chat`), and the worker opens it.
 * Respondents' data never enters a job: the worker reads it from the record store.
 */
import { createHash } from "node:crypto";
import { Queue, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import { EXPORT_FORMATS, type ExportFormat, type ExportReport } from "./build-zip.ts";

export const EXPORT_QUEUE = "exports";
export const EXPORT_JOB_NAME = "export";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day as YYYY-MM-DD");

export const ExportRequestSchema = z
  .strictObject({
    formats: z.array(z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]])).min(1, "choose at least one format"),
    city: z.string().min(1).optional(),
    from: day.optional(),
    to: day.optional(),
    /** Also interviews that stopped for good, flagged complete = 0 (see partial-interviews.ts). */
    partial: z.boolean().optional(),
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { message: "`from` must not be after `to`", path: ["from"] });

export const ExportJobPayload = z.strictObject({
  /** The analyst, as a keyed pseudonym or handle: part of the job id, never logged. */
  requestedBy: z.string().min(1),
  /** Where the finished file goes. */
  chatId: z.number().int(),
  /** The message the worker edits as the job progresses. */
  statusMessageId: z.number().int().positive().optional(),
  request: ExportRequestSchema,
  requestedAt: z.iso.datetime({ offset: true }),
  /** Language of the analyst's status texts; staff default to English. */
  lang: z.string().min(2).optional(),
  /**
   * The study to export (form_id@version): the worker reads that study's records only, with its
   * own columns and policy. Absent in jobs queued before studies were data: the default study.
   */
  study: z.string().min(3).max(200).optional(),
});
export type ExportJobPayload = z.infer<typeof ExportJobPayload>;

/** What the queue keeps in Redis: the payload with the chat id sealed. */
export const StoredExportJob = ExportJobPayload.omit({ chatId: true }).extend({ chat: z.string().min(1) });
export type StoredExportJob = z.infer<typeof StoredExportJob>;

/** Turns text into ciphertext and back (the bot's data codec); identity only in tests. */
export interface ChatCodec {
  seal(plain: string): string;
  open(sealed: string): string;
}
const identity: ChatCodec = { seal: (s) => s, open: (s) => s };

export function sealJob(payload: ExportJobPayload, codec: ChatCodec = identity): StoredExportJob {
  const { chatId, ...rest } = ExportJobPayload.parse(payload);
  return { ...rest, chat: codec.seal(String(chatId)) };
}

/** Reads a stored job back; throws if it does not validate or cannot be opened. */
export function openJob(data: unknown, codec: ChatCodec = identity): ExportJobPayload {
  const { chat, ...rest } = StoredExportJob.parse(data);
  return ExportJobPayload.parse({ ...rest, chatId: Number(codec.open(chat)) });
}

/** What a finished job returns: counts and names only, so it is safe to keep in Redis. */
export interface ExportJobResult {
  fileName: string;
  report: ExportReport;
}

export type ExportJob = Job<StoredExportJob, ExportJobResult, typeof EXPORT_JOB_NAME>;
export type ExportQueue = Queue<StoredExportJob, ExportJobResult, typeof EXPORT_JOB_NAME>;

export interface ExportQueueOptions {
  /**
   * BullMQ key prefix. On Redis Cluster give a hash tag, e.g. "{exports}", so all of the queue's
   * keys land in one slot. Workers must use the same prefix.
   */
  prefix?: string;
}

/**
 * The same analyst asking for the same export within the same minute gets the same id, so a
 * double tap or a redelivered update queues one job. Hex only: BullMQ ids must not contain ":".
 */
export function exportJobId(payload: Pick<ExportJobPayload, "requestedBy" | "request" | "requestedAt" | "study">): string {
  const { formats, city, from, to } = payload.request;
  const minute = new Date(payload.requestedAt).toISOString().slice(0, 16);
  // Canonical form: format order and absent filters must not change the id.
  const canonical = JSON.stringify([payload.requestedBy, [...new Set(formats)].sort(), city ?? null, from ?? null, to ?? null, minute, ...(payload.request.partial ? ["partial"] : []), ...(payload.study ? [payload.study] : [])]);
  return `export-${createHash("sha256").update(canonical).digest("hex").slice(0, 32)}`;
}

export function createExportQueue(connection: ConnectionOptions, options: ExportQueueOptions = {}): ExportQueue {
  return new Queue<StoredExportJob, ExportJobResult, typeof EXPORT_JOB_NAME>(EXPORT_QUEUE, {
    connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  });
}

export interface EnqueueOptions {
  /** How long finished and failed jobs are kept; match EXPORT_TTL_DAYS. */
  keepDays?: number;
  /** First retry delay in ms; later ones double. */
  backoffMs?: number;
  /** Seals the analyst's chat id in the stored job (the bot's data codec). */
  codec?: ChatCodec;
}

/** Validates and queues an export; returns its job id (the existing job's id for a duplicate). */
export async function enqueueExport(queue: ExportQueue, payload: ExportJobPayload, options: EnqueueOptions = {}): Promise<string> {
  const data = ExportJobPayload.parse(payload);
  const jobId = exportJobId(data);
  const stored = sealJob(data, options.codec);
  const keep = { age: (options.keepDays ?? 7) * 86_400 };
  await queue.add(EXPORT_JOB_NAME, stored, {
    jobId,
    attempts: 3,
    // 10 s then 20 s: long enough for Redis or Telegram to come back, short enough for an analyst waiting.
    backoff: { type: "exponential", delay: options.backoffMs ?? 10_000 },
    removeOnComplete: keep,
    removeOnFail: keep,
  });
  return jobId;
}
