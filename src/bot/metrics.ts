/**
 * Prometheus metrics (prom-client). Labels carry only codes: question ids, outcomes, job states
 * and Telegram error codes, never anything about a person.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

/** What the export queue reports: job counts by state, read from Redis at scrape time. */
export interface JobCountsSource {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

const EXPORT_JOB_STATES = ["waiting", "active", "delayed", "completed", "failed"] as const;

export class Metrics {
  readonly registry = new Registry();
  readonly #updates = new Counter({ name: "survey_updates_total", help: "Telegram updates handled", registers: [this.registry] });
  readonly #answers = new Counter({ name: "survey_answers_total", help: "Answers recorded", registers: [this.registry] });
  readonly #interviews = new Counter({
    name: "survey_interviews_total",
    help: "Interviews by stage reached: started, consented, eligible, completed, ineligible",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly #atQuestion = new Gauge({
    name: "survey_respondents_at_question",
    help: "Respondents whose interview currently waits at this question (drop-off by question id), as seen by this process",
    labelNames: ["question"],
    registers: [this.registry],
  });
  #exportQueue: JobCountsSource | undefined;
  /** Read from the queue in Redis when scraped, so jobs run by any worker process are counted. */
  readonly #exportJobs = new Gauge({
    name: "survey_export_jobs",
    help: "Export jobs in the queue by state (completed and failed jobs are kept for EXPORT_TTL_DAYS)",
    labelNames: ["state"],
    registers: [this.registry],
    collect: async () => {
      if (!this.#exportQueue) return;
      const counts = await this.#exportQueue.getJobCounts(...EXPORT_JOB_STATES).catch(() => undefined);
      for (const state of EXPORT_JOB_STATES) this.#exportJobs.set({ state }, counts?.[state] ?? 0);
    },
  });
  readonly #telegramErrors = new Counter({ name: "survey_telegram_errors_total", help: "Bot API errors by error code", labelNames: ["code"], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "survey_process_" });
  }

  update(): void {
    this.#updates.inc();
  }
  answer(): void {
    this.#answers.inc();
  }
  interview(outcome: "started" | "consented" | "eligible" | "completed" | "ineligible"): void {
    this.#interviews.inc({ outcome });
  }
  moved(from: string | undefined, to: string | undefined): void {
    if (from) this.#atQuestion.dec({ question: from });
    if (to) this.#atQuestion.inc({ question: to });
  }
  watchExportQueue(queue: JobCountsSource): void {
    this.#exportQueue = queue;
  }
  telegramError(code: number): void {
    this.#telegramErrors.inc({ code: String(code) });
  }
}
