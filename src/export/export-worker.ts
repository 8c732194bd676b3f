/**
 * The worker of the `exports` queue: builds the zip from the record store and hands it to
 * `deliver` (the bot sends it as a Telegram document).
 *
 * BullMQ delivers at least once, so a job may run again after a crash or a lost lock. Each
 * attempt writes its own temporary file and renames it over `<exportDir>/<jobId>.zip`, so a
 * retry rewrites the file and nobody ever sees half a zip. On shutdown the worker lets the
 * current job finish for a grace period, then hands it back to the queue for another worker.
 */
import { AGE_EXTENSION, sealFileForRecipients } from "./age-seal.ts";
import { rename, rm } from "node:fs/promises";
import { UnrecoverableError, WaitingError, Worker, type ConnectionOptions } from "bullmq";
import type { Questionnaire } from "../flows/schema.ts";
import { buildExportZip, ReleaseGateError, type ExportReport, type RefusalReport, type Translate } from "./build-zip.ts";
import { ExportFiles } from "./export-files.ts";
import { EXPORT_QUEUE, openJob, type ChatCodec, type ExportJobPayload, type EXPORT_JOB_NAME, type ExportJob, type ExportJobResult, type StoredExportJob } from "./jobs.ts";
import type { CompletedRecord } from "../records/record.ts";
import type { RecordStore } from "../records/record-store.ts";
import type { Study, StudyCatalog } from "../studies/study.ts";
import { fileTagOf } from "./form/form-export.ts";
import { withPartialRecords } from "./partial-interviews.ts";

export interface DeliveredFile {
  path: string;
  fileName: string;
  report: ExportReport;
}

/** Sends the finished file to the analyst; a throw makes the job retry (and rebuild the file). */
export type Deliver = (payload: ExportJobPayload, file: DeliveredFile) => Promise<void>;

/** Why a job finally failed, as the bot tells the analyst. */
export type ExportFailure = { kind: "release_gate"; report: RefusalReport } | { kind: "error"; message: string };

/** Counts and reasons only; never ids, never the payload. */
export interface WorkerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ExportWorkerOptions {
  /** A connection for the worker alone (BullMQ blocks on it); needs maxRetriesPerRequest: null. */
  connection: ConnectionOptions;
  /** The native study's definition: what a job is exported with when no catalog is given. */
  definition?: Questionnaire;
  /**
   * The studies of this deployment (the same catalog the bot loads). A job names its study; a
   * job that names none (queued before studies were data) exports the catalog's default study.
   */
  studies?: StudyCatalog;
  /** Each study's own record store (RecordStore with `study`); without it, `store` serves every job. */
  storeOf?: (study: Study) => RecordStore;
  translate: Translate;
  /** Languages the codebook gives every text in. */
  languages: string[];
  store: RecordStore;
  /** Where files go and which chat they belong to (EXPORT_DIR, EXPORT_TTL_DAYS). */
  files: ExportFiles;
  deliver: Deliver;
  concurrency?: number;
  /** BullMQ key prefix; the same as the queue's (a hash tag such as "{exports}" on Redis Cluster). */
  prefix?: string;
  /** How long a job's lock lasts without renewal; a dead worker's job is retried after it. */
  lockDuration?: number;
  /** How often this worker looks for jobs whose worker died (BullMQ's default is 30 s). */
  stalledInterval?: number;
  /** Called as the percentage rises, at most once per `progressStep` points (for the status message). */
  onProgress?: (payload: ExportJobPayload, percent: number) => Promise<void> | void;
  progressStep?: number;
  /** Called once when a job has failed for good (no retries left, or refused by the release gate). */
  onFailed?: (payload: ExportJobPayload, failure: ExportFailure) => Promise<void> | void;
  logger?: WorkerLogger;
  /** Records read per Redis call. */
  batchSize?: number;
  /** Opens the analyst's chat id sealed in each job (the same codec the bot sealed it with). */
  codec?: ChatCodec;
  /** The values survey texts interpolate (organisation, minWage, retentionDays), as the bot shows them. */
  textValues?: Readonly<Record<string, string | number>>;
  /** age public keys: when given, the zip is encrypted to them before it is stored or sent. */
  ageRecipients?: readonly string[];
  /** Interviews that stopped for good, read only when a request asks for them (partial-interviews.ts). */
  partial?: { store: RecordStore; afterDays: number };
}

export interface ExportWorker {
  readonly worker: Worker<StoredExportJob, ExportJobResult, typeof EXPORT_JOB_NAME>;
  /**
   * Stops taking jobs; waits up to `graceMs` for the current ones to finish, then hands them
   * back to the queue (another worker starts them again) and closes.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const RELEASE_GATE_PREFIX = "release_gate ";

/** Reads a job's failedReason back into what the analyst should be told. */
export function failureOf(reason: string | undefined): ExportFailure {
  if (reason?.startsWith(RELEASE_GATE_PREFIX)) {
    try {
      return { kind: "release_gate", report: JSON.parse(reason.slice(RELEASE_GATE_PREFIX.length)) as RefusalReport };
    } catch {
      // fall through: show the raw reason
    }
  }
  return { kind: "error", message: reason ?? "unknown error" };
}

class HandedBack extends Error {
  override name = "HandedBack";
}

const noopLogger: WorkerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createExportWorker(options: ExportWorkerOptions): ExportWorker {
  const { files, definition } = options;

  /** The job's study and the store its records are in; a study this deployment lacks fails for good. */
  function studyOf(payload: ExportJobPayload): { study: Study | undefined; store: RecordStore } {
    const study = payload.study !== undefined ? options.studies?.byKey(payload.study) : options.studies?.default;
    if (payload.study !== undefined && !study) {
      throw new UnrecoverableError(`no study ${payload.study} runs here; the studies are ${options.studies?.all().map((s) => s.key).join(", ") ?? "not loaded"}`);
    }
    return { study, store: study && options.storeOf ? options.storeOf(study) : options.store };
  }
  const logger = options.logger ?? noopLogger;
  const step = options.progressStep ?? 10;

  async function process(job: ExportJob, token?: string, signal?: AbortSignal): Promise<ExportJobResult> {
    const payload = openJob(job.data, options.codec);
    const { study, store } = studyOf(payload);
    const jobId = job.id!;
    const started = Date.now();
    // Every pass of build-zip must see the same records: pin the newest entry once per attempt.
    const until = await store.snapshot();
    let unreadable = 0;
    const records = async function* (): AsyncGenerator<CompletedRecord> {
      if (!until) return;
      let unreadableThisPass = 0;
      for await (const record of store.scan({ until, ...(options.batchSize ? { batchSize: options.batchSize } : {}), onUnreadable: () => unreadableThisPass++ })) {
        if (signal?.aborted) throw new HandedBack("the worker is shutting down");
        yield record;
      }
      unreadable = Math.max(unreadable, unreadableThisPass);
    };

    let lastNotified = -step;
    const onProgress = (percent: number) => {
      // Progress is a courtesy: a failed update must never fail the export.
      job.updateProgress(percent).catch(() => undefined);
      if (options.onProgress && (percent - lastNotified >= step || percent === 100)) {
        lastNotified = percent;
        Promise.resolve(options.onProgress(payload, percent)).catch((error: unknown) =>
          logger.warn({ event: "export_progress_notice_failed", reason: reasonOf(error) }, "could not update the status message"),
        );
      }
    };

    const temporary = await files.temporaryPathOf(jobId);
    let report: ExportReport;
    try {
      // Partial interviews are kept for the native study only (form studies have none yet).
      const partial = payload.request.partial && options.partial && study?.kind !== "form" ? withPartialRecords(records, options.partial.store, await options.partial.store.snapshot()) : undefined;
      report = await buildExportZip({
        records: partial?.records ?? records,
        ...(partial ? { partial: { isPartial: partial.isPartial, afterDays: options.partial!.afterDays } } : {}),
        ...(study ? { study } : {}),
        ...(definition ? { definition } : {}),
        request: payload.request,
        translate: options.translate,
        languages: options.languages,
        outFile: temporary,
        onProgress,
        ...(options.textValues ? { textValues: options.textValues } : {}),
      });
      if (options.ageRecipients?.length) await sealFileForRecipients(temporary, options.ageRecipients);
      await rename(temporary, files.pathOf(jobId));
    } catch (error) {
      await rm(temporary, { force: true });
      if (error instanceof HandedBack && token) {
        await job.moveToWait(token);
        logger.info({ event: "export_handed_back", attempt: job.attemptsMade + 1 }, "export handed back to the queue on shutdown");
        throw new WaitingError();
      }
      if (error instanceof ReleaseGateError) {
        // Retrying cannot help: the data would still single people out. The report holds group sizes only.
        throw new UnrecoverableError(RELEASE_GATE_PREFIX + JSON.stringify(error.report));
      }
      throw error;
    }
    if (unreadable > 0) logger.warn({ event: "export_unreadable_records", count: unreadable }, "some stored records could not be read and were left out");

    const finishedAt = new Date();
    const fileName = ExportFiles.fileNameOf(jobId, finishedAt, study?.kind === "form" ? fileTagOf(study.form) : undefined) + (options.ageRecipients?.length ? AGE_EXTENSION : "");
    await files.remember(payload.chatId, {
      jobId,
      fileName,
      finishedAt: finishedAt.toISOString(),
      formats: payload.request.formats,
      rows: report.rows,
      generalized: report.generalized,
      flagged: report.flagged,
      ...(study ? { study: study.key } : {}),
    });
    await options.deliver(payload, { path: files.pathOf(jobId), fileName, report });
    logger.info(
      { event: "export_done", rows: report.rows, generalized: report.generalized, flagged: report.flagged, formats: payload.request.formats, ms: Date.now() - started },
      "export delivered",
    );
    return { fileName, report };
  }

  const worker = new Worker<StoredExportJob, ExportJobResult, typeof EXPORT_JOB_NAME>(EXPORT_QUEUE, process, {
    connection: options.connection,
    concurrency: options.concurrency ?? 1,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
    ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
  });

  worker.on("failed", (job, error) => {
    if (!job) return;
    const final = error instanceof UnrecoverableError || error.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
    logger.warn({ event: "export_failed", attempt: job.attemptsMade, final, reason: reasonOf(error) }, final ? "export failed for good" : "export failed; it will be retried");
    if (!final || !options.onFailed) return;
    let payload: ExportJobPayload;
    try {
      payload = openJob(job.data, options.codec);
    } catch {
      return; // a job we cannot read has nobody we could tell
    }
    Promise.resolve(options.onFailed(payload, failureOf(error.message))).catch((notifyError: unknown) =>
      logger.warn({ event: "export_failure_notice_failed", reason: reasonOf(notifyError) }, "could not tell the analyst the export failed"),
    );
  });
  // Connection trouble is retried by ioredis; log it instead of crashing on an unhandled 'error'.
  worker.on("error", (error) => logger.error({ event: "export_worker_error", reason: reasonOf(error) }, "export worker error"));

  return {
    worker,
    async close({ graceMs = 20_000 } = {}) {
      const closed = worker.close();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        worker.cancelAllJobs("shutting down");
        await closed;
      }
    },
  };
}

/** An error's name and message with long digit runs removed (chat ids can hide in API errors). */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\d{5,}/g, "[n]").slice(0, 300);
}
