/** /dashboard: a one-time link to the live figures, valid for a few minutes, for analysts. */
import type { BotContext } from "../../context.ts";

export async function sendDashboardLink(ctx: BotContext): Promise<void> {
  const { dashboard, config } = ctx.deps;
  if (!dashboard) {
    await ctx.reply(ctx.t("staff:dashboard.unavailable"));
    return;
  }
  const link = await dashboard.link();
  // No preview: Telegram's link preview would fetch the URL and use up the one-time link.
  await ctx.reply(ctx.t("staff:dashboard.link", { link, minutes: config.DASHBOARD_LINK_MINUTES }), { link_preview_options: { is_disabled: true } });
}
