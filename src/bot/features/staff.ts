/**
 * Staff commands: /invite and /stats for outreach workers (and analysts), /export and /exports
 * and /dashboard for analysts. Everyone else gets a short "not allowed" and nothing happens.
 */
import { Composer } from "grammy";
import { conversations, createConversation } from "@grammyjs/conversations";
import type { BotContext } from "../context.ts";
import { dialogContext, redisDialogStorage, type DialogContext } from "./staff/dialog-context.ts";
import { inviteDialog } from "./staff/invite-dialog.ts";
import { exportDialog, listExports, resendExport } from "./staff/export-dialog.ts";
import { decodeButton } from "../callback-data.ts";
import { rolesOf, type StaffRole } from "./staff/roles.ts";
import { showStats } from "./staff/stats.ts";
import { sendDashboardLink } from "./staff/dashboard-link.ts";

export const staff = new Composer<BotContext>();

/** Installs the conversations plugin lazily, once deps (and so Redis) are known. */
let installed: Composer<BotContext> | undefined;
staff.use((ctx, next) => {
  // Respondents never enter a staff dialog: skip the plugin's storage read for them.
  if (rolesOf(ctx.deps.config, ctx.from?.id).size === 0) return next();
  if (!installed) {
    const deps = ctx.deps;
    installed = new Composer<BotContext>();
    installed.use(
      conversations<BotContext, DialogContext>({
        storage: { type: "key", adapter: redisDialogStorage(deps.redis, deps.config.REDIS_PREFIX, deps.codec), getStorageKey: (c) => c.chatKey, prefix: "" },
      }),
    );
    const plugins = [dialogContext(deps)];
    installed.use(createConversation<BotContext, DialogContext>(inviteDialog, { id: "invite", plugins }));
    installed.use(createConversation<BotContext, DialogContext>(exportDialog, { id: "export", plugins }));
  }
  return installed.middleware()(ctx, next);
});

function requireRole(role: StaffRole, handler: (ctx: BotContext, roles: Set<StaffRole>) => Promise<unknown>) {
  return async (ctx: BotContext) => {
    const roles = rolesOf(ctx.deps.config, ctx.from?.id);
    if (!roles.has(role)) {
      await ctx.reply(ctx.t("bot:not_allowed"));
      return;
    }
    await handler(ctx, roles);
  };
}

staff.command("invite", requireRole("outreach", (ctx) => ctx.conversation.enter("invite")));
staff.command("stats", requireRole("outreach", showStats));
staff.command("export", requireRole("analyst", (ctx) => ctx.conversation.enter("export")));
staff.command("exports", requireRole("analyst", listExports));
staff.command("dashboard", requireRole("analyst", sendDashboardLink));

staff.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (button?.kind !== "staffChoice" || button.step !== "refetch") return next();
  await requireRole("analyst", (c) => resendExport(c, button.value))(ctx);
});
