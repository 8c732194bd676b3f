/**
 * /stats: the funnel of each invite link (started, agreed, eligible, finished) and the question
 * where most people stop. Workers see their own links, analysts every link and direct starts.
 */
import type { BotContext } from "../../context.ts";
import { DIRECT_SOURCE } from "../../funnel.ts";
import { pseudonymSecret } from "../../config.ts";
import { workerCode } from "../../outreach/invite-payload.ts";
import type { RegisteredInvite } from "../../outreach/funnel-store.ts";
import type { StaffRole } from "./roles.ts";
import { reminderStatsLine } from "../../../reminders/reminder-feature.ts";

export async function showStats(ctx: BotContext, roles: Set<StaffRole>): Promise<void> {
  const { funnelStore, config } = ctx.deps;
  const t = ctx.t;
  const analyst = roles.has("analyst");
  const invites: RegisteredInvite[] = analyst
    ? await funnelStore.allInvites()
    : await funnelStore.invitesOfWorker(workerCode(ctx.from!.id, pseudonymSecret(config)));
  const rows = invites.map((i) => ({ code: i.campaignCode, source: i.sourceCode }));
  if (analyst) rows.push({ code: DIRECT_SOURCE, source: DIRECT_SOURCE });
  if (rows.length === 0) {
    await ctx.reply(t("staff:stats.none"));
    return;
  }
  const lines = [t(analyst ? "staff:stats.title_all" : "staff:stats.title")];
  for (const row of rows) {
    const funnel = await funnelStore.funnel(row.source);
    lines.push(t("staff:stats.line", { code: row.code, started: funnel.started, consented: funnel.consented, eligible: funnel.eligible, completed: funnel.completed }));
    if (funnel.topDropOff) lines.push(`  ${t("staff:stats.top_stop", { question: funnel.topDropOff.q, count: funnel.topDropOff.count })}`);
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
