/**
 * Finished export files: where each lives on disk, which chat asked for it (so /exports can
 * offer it again), and clearing them out after EXPORT_TTL_DAYS.
 *
 * A file is `<exportDir>/<jobId>.zip`. Per chat, Redis keeps a sorted set of job ids by finish
 * time under a keyed hash of the chat id (`<prefix>exports-of:<key>`), plus a small JSON entry
 * per job with counts and formats only. Both expire with the files.
 */
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { z } from "zod";
import { EXPORT_FORMATS, type ExportFormat } from "./build-zip.ts";
import { kazakhstanDay } from "../records/record.ts";

const JOB_ID = /^export-[0-9a-f]{8,64}$/;
const FINISHED_FILE = /^(export-[0-9a-f]{8,64})\.zip$/;
/** In-progress files: `.export-<hash>.<nonce>.tmp` (and build-zip's `.partial` beside it). */
const TEMPORARY_FILE = /^\.export-[0-9a-f]{8,64}\.[0-9a-f]+\.tmp(\.partial)?$/;
/** A temporary file this old belongs to a worker that died; no export takes a day. */
const ABANDONED_AFTER_MS = 24 * 3600_000;

export const ExportEntry = z.strictObject({
  jobId: z.string().regex(JOB_ID),
  /** What the analyst sees as the document's name. */
  fileName: z.string(),
  finishedAt: z.iso.datetime(),
  formats: z.array(z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]])),
  rows: z.number().int().nonnegative(),
  generalized: z.number().int().nonnegative(),
  flagged: z.number().int().nonnegative(),
  /** The study exported (form_id@version); absent for exports made before studies were data. */
  study: z.string().optional(),
});
export type ExportEntry = z.infer<typeof ExportEntry>;

export interface ExportFile {
  path: string;
  fileName: string;
  entry: ExportEntry;
}

export interface ExportFilesOptions {
  redis: Redis;
  prefix?: string;
  /** EXPORT_DIR; created when missing. */
  exportDir: string;
  /** EXPORT_TTL_DAYS: how long a file can be fetched again. */
  ttlDays: number;
  /**
   * A keyed pseudonym of the analyst's chat id (e.g. Pseudonyms.of("analyst", id)). It must be
   * keyed: a plain hash of a Telegram id is reversed by trying every id.
   */
  chatKey: (chatId: number) => string;
  clock?: () => Date;
}

export class ExportFiles {
  readonly exportDir: string;
  readonly ttlMs: number;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #chatKey: (chatId: number) => string;
  readonly #clock: () => Date;

  constructor(options: ExportFilesOptions) {
    if (!(options.ttlDays > 0)) throw new RangeError(`EXPORT_TTL_DAYS must be a positive number of days, not ${options.ttlDays}`);
    this.exportDir = options.exportDir;
    this.ttlMs = options.ttlDays * 86_400_000;
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? "survey:";
    this.#chatKey = options.chatKey;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** The finished file of a job; throws on anything that is not a job id (no path tricks). */
  pathOf(jobId: string): string {
    if (!JOB_ID.test(jobId)) throw new Error(`not an export job id: "${jobId.slice(0, 80)}"`);
    return join(this.exportDir, `${jobId}.zip`);
  }

  /** A fresh temporary path for one attempt, so two workers on the same job never share a file. */
  async temporaryPathOf(jobId: string): Promise<string> {
    this.pathOf(jobId);
    await mkdir(this.exportDir, { recursive: true });
    return join(this.exportDir, `.${jobId}.${randomBytes(6).toString("hex")}.tmp`);
  }

  /**
   * The name the analyst's client shows: the study's form id and version (for a form study),
   * the day and a short job tag, no person in it.
   */
  static fileNameOf(jobId: string, finishedAt: Date, studyTag?: string): string {
    return `survey-export-${studyTag ? `${studyTag}-` : ""}${kazakhstanDay(finishedAt)}-${jobId.slice("export-".length, "export-".length + 8)}.zip`;
  }

  /** Files this chat under the finished export, so /exports can offer it again. */
  async remember(chatId: number, entry: ExportEntry): Promise<void> {
    const valid = ExportEntry.parse(entry);
    const listKey = this.#listKey(chatId);
    const ttlSeconds = Math.ceil(this.ttlMs / 1000);
    await this.#redis
      .multi()
      .set(this.#entryKey(valid.jobId), JSON.stringify(valid), "EX", ttlSeconds)
      .zadd(listKey, Date.parse(valid.finishedAt), valid.jobId)
      .zremrangebyscore(listKey, "-inf", this.#oldestKept())
      .expire(listKey, ttlSeconds)
      .exec();
  }

  /** This chat's exports still within the TTL whose file is still there, newest first. */
  async recent(chatId: number, limit = 10): Promise<ExportFile[]> {
    const ids = await this.#redis.zrevrangebyscore(this.#listKey(chatId), "+inf", this.#oldestKept(), "LIMIT", 0, limit);
    const files = await Promise.all(ids.map((id) => this.#available(id)));
    return files.filter((f): f is ExportFile => f !== undefined);
  }

  /** The file of one of this chat's exports, if it is within the TTL and still on disk. */
  async fileFor(chatId: number, jobId: string): Promise<ExportFile | undefined> {
    if (!JOB_ID.test(jobId)) return undefined;
    const finished = await this.#redis.zscore(this.#listKey(chatId), jobId);
    if (finished === null || Number(finished) < this.#oldestKept()) return undefined;
    return this.#available(jobId);
  }

  /** Deletes files past the TTL and temporary files of dead workers; returns how many. */
  async deleteExpired(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.exportDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw error;
    }
    const now = this.#clock().getTime();
    let deleted = 0;
    for (const name of names) {
      const maxAge = FINISHED_FILE.test(name) ? this.ttlMs : TEMPORARY_FILE.test(name) ? ABANDONED_AFTER_MS : undefined;
      if (maxAge === undefined) continue; // not ours: leave it
      const path = join(this.exportDir, name);
      const info = await stat(path).catch(() => undefined);
      if (!info || now - info.mtimeMs <= maxAge) continue;
      await rm(path, { force: true });
      deleted++;
    }
    return deleted;
  }

  async #available(jobId: string): Promise<ExportFile | undefined> {
    const raw = await this.#redis.get(this.#entryKey(jobId));
    if (raw === null) return undefined;
    const parsed = ExportEntry.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    const path = this.pathOf(jobId);
    const info = await stat(path).catch(() => undefined);
    if (!info || this.#clock().getTime() - info.mtimeMs > this.ttlMs) return undefined;
    return { path, fileName: parsed.data.fileName, entry: parsed.data };
  }

  #oldestKept(): number {
    return this.#clock().getTime() - this.ttlMs;
  }

  #listKey(chatId: number): string {
    return `${this.#prefix}exports-of:${this.#chatKey(chatId)}`;
  }

  #entryKey(jobId: string): string {
    return `${this.#prefix}export:${jobId}`;
  }
}
