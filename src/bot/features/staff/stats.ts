/**
 * /stats: the funnel of each invite link (started, agreed, eligible, finished) and the question
 * where most people stop, per study (each study counts apart). Workers see their own links,
 * analysts every link and direct starts.
 */
import type { BotContext } from "../../context.ts";
import { DIRECT_SOURCE } from "../../funnel.ts";
import { pseudonymSecret } from "../../../platform/config.ts";
import { workerCode } from "../../outreach/invite-payload.ts";
import type { RegisteredInvite } from "../../outreach/funnel-store.ts";
import type { StaffRole } from "./roles.ts";
import { reminderStatsLine } from "../../../reminders/reminder-feature.ts";
import { STALE_AFTER_DAYS } from "../../../referrals/directory.ts";
import { nativeStudy } from "../../../studies/session-study.ts";

/** Referral entries due for a re-check, for every member of staff: they are the ones who hear of changes. */
async function showStaleReferrals(ctx: BotContext): Promise<void> {
  const stale = ctx.deps.directory.notCheckedWithin(ctx.deps.clock());
  if (stale.length === 0) return;
  // At most 100 lines (ids are short), so the list stays one message under Telegram's limit.
  const lines = stale.slice(0, 100).map((entry) => `• ${ctx.t("staff:stats.stale_line", { id: entry.id, date: entry.checked })}`);
  await ctx.reply([ctx.t("staff:stats.stale_title", { days: STALE_AFTER_DAYS }), ...lines].join("\n"));
}

export async function showStats(ctx: BotContext, roles: Set<StaffRole>): Promise<void> {
  const { funnelStore, config } = ctx.deps;
  const t = ctx.t;
  const analyst = roles.has("analyst");
  const invites: RegisteredInvite[] = analyst
    ? await funnelStore.allInvites()
    : await funnelStore.invitesOfWorker(workerCode(ctx.from!.id, pseudonymSecret(config)));
  // Due re-checks first, so the funnel stays the last word.
  await showStaleReferrals(ctx);
  if (invites.length === 0 && !analyst) {
    await ctx.reply(t("staff:stats.none"));
    return;
  }
  const studies = ctx.deps.studies.all();
  // Invites from before studies were data name none: they open the native study.
  const nativeFormId = nativeStudy(ctx.deps.studies)?.formId;
  const lines = [t(analyst ? "staff:stats.title_all" : "staff:stats.title")];
  for (const study of studies) {
    const rows = invites.filter((i) => (i.invite.study ?? nativeFormId) === study.formId).map((i) => ({ code: i.campaignCode, source: i.sourceCode }));
    if (analyst) rows.push({ code: DIRECT_SOURCE, source: DIRECT_SOURCE });
    if (rows.length === 0) continue;
    if (studies.length > 1) lines.push("", t("staff:stats.study", { study: `${study.form.title} (${study.key})` }));
    for (const row of rows) {
      const funnel = await funnelStore.funnel(row.source, study.key);
      lines.push(t("staff:stats.line", { code: row.code, started: funnel.started, consented: funnel.consented, eligible: funnel.eligible, completed: funnel.completed }));
      if (funnel.topDropOff) lines.push(`  ${t("staff:stats.top_stop", { question: funnel.topDropOff.q, count: funnel.topDropOff.count })}`);
    }
  }
  const reminders = await reminderStatsLine(ctx);
  if (reminders) lines.push(reminders);
  // Long lists are split so each message stays within Telegram's 4,096 characters.
  let message = "";
  for (const line of lines) {
    if (message.length + line.length + 1 > 4000) {
      await ctx.reply(message);
      message = "";
    }
    message += (message ? "\n" : "") + line;
  }
  if (message) await ctx.reply(message);
}
