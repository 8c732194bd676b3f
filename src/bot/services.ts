/**
 * The services features use beyond the session: where completed interviews go, the outreach
 * funnel, the referral directory and metrics. Each is a small interface so tests and the
 * preview can wire real implementations without the bot knowing their storage.
 */
import type { CompletedRecord } from "../records/record.ts";
import type { Directory } from "../referrals/directory.ts";
import type { Metrics } from "./metrics.ts";
import type { FunnelStore } from "./outreach/funnel-store.ts";
import type { ExportFiles } from "../export/export-files.ts";
import type { ExportQueue } from "../export/jobs.ts";
import type { Dashboard } from "../dashboard/service.ts";
import type { Reminders } from "../reminders/reminders.ts";
import type { StudyKey } from "../studies/study.ts";

/** Where one study's completed interviews go. */
export interface RecordSink {
  /** Appends once per pseudonym; false if this person already has a record. */
  append(record: CompletedRecord): Promise<boolean>;
  has(pseudonym: string): Promise<boolean>;
  deleteOf(pseudonym: string): Promise<boolean>;
}

/** Each study's records, apart (records/record-stores.ts). */
export interface RecordSinks {
  of(study: StudyKey): RecordSink;
  /** Every study's, for /delete. */
  all(): readonly RecordSink[];
}

/** Funnel stages counted per invite source, never per person. */
export type FunnelStage = "started" | "consented" | "eligible" | "completed";

export interface FunnelSink {
  count(source: string | undefined, stage: FunnelStage): Promise<void>;
  /** The respondent moved from one question to another (for "where most people stop"). */
  moved(source: string | undefined, from: string | undefined, to: string | undefined): Promise<void>;
  /** Resolves a campaign code typed by a person whose client dropped the start payload. */
  resolveCampaign(code: string): Promise<string | undefined>;
}

/** Each study's funnel: the same invite source counts apart in each study. */
export interface FunnelSinks {
  of(study: StudyKey): FunnelSink;
}

export interface Services {
  records: RecordSinks;
  funnels: FunnelSinks;
  /** The invite registry and per-link counts, for /invite and /stats. */
  funnelStore: FunnelStore;
  directory: Directory;
  metrics: Metrics;
  /** Where /export puts its jobs, and where finished files are found again (/exports). */
  exportQueue: ExportQueue;
  exportFiles: ExportFiles;
  /** Live figures for analysts (/dashboard); absent where nothing serves the page. */
  dashboard?: Dashboard;
  /** Evening reminders (src/reminders); absent where a setup does not send them. */
  reminders?: Reminders;
}
