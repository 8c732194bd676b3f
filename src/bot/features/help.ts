/**
 * Support services for the person's city: /help and the Help button at any time, "I need help
 * now", an offer after an answer that signals a need, and an offer at the end.
 *
 * It never manages cases: it asks nothing about what happened, passes nothing to anyone, and
 * shows contacts only when asked or when an offer is accepted. The only thing counted is an
 * anonymous number of "help now" requests.
 */
import { Composer } from "grammy";
import type { NeedTag } from "../../flows/schema.ts";
import { NEED_CATEGORY, serviceCityOf } from "../../referrals/directory.ts";
import { PARSE_MODE, type RenderContext, renderEndOffer, renderMenuIntro, renderOffer, renderReferral, renderUrgentHelp } from "../../referrals/render.ts";
import { CATEGORIES, type Category } from "../../referrals/schema.ts";
import { decodeButton } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { chunk, keyboard } from "../render/keyboard.ts";
import type { Session } from "../session/session.ts";
import { cityOf, isActive, presentCurrent } from "./survey.ts";

const isCategory = (value: string): value is Category => (CATEGORIES as readonly string[]).includes(value);
const isNeed = (value: string): value is NeedTag => value in NEED_CATEGORY;

/** The person's city: from the interview under way, or kept after it ended; else national contacts. */
function personsCity(ctx: BotContext, session: Session | undefined): string | undefined {
  if (!session) return undefined;
  return cityOf(ctx, session.survey) ?? session.city;
}

/** The referral renderer's view of this update's language. */
function renderContext(ctx: BotContext): RenderContext {
  return { t: (key, params) => ctx.t(key, params ?? {}) as string, lang: ctx.lang };
}

async function sendHtml(ctx: BotContext, messages: string[]): Promise<void> {
  for (const text of messages) await ctx.reply(text, { parse_mode: PARSE_MODE, link_preview_options: { is_disabled: true } });
}

/** The help menu: one button per topic that has contacts, and "I need help now" first. */
export async function showHelpMenu(ctx: BotContext): Promise<void> {
  const city = personsCity(ctx, ctx.session);
  const render = renderContext(ctx);
  const topics = ctx.deps.directory
    .categoriesAvailable(city)
    .filter((c) => c !== "emergency" && c !== "protection")
    .map((category) => ({ label: ctx.t(`referrals:category.${category}`), button: { kind: "helpCategory" as const, category } }));
  await ctx.reply(renderMenuIntro(serviceCityOf(city), render), {
    parse_mode: PARSE_MODE,
    reply_markup: keyboard([[{ label: ctx.t("referrals:buttons.urgent"), button: { kind: "urgentHelp" } }], ...chunk(topics, 1)]),
  });
}

/** Offers contacts after an answer that signals a need, once per need; the person chooses. */
export async function offerSupport(ctx: BotContext, session: Session, need: NeedTag): Promise<void> {
  const city = personsCity(ctx, session);
  if (session.offered.includes(need) || !ctx.deps.directory.canHelpWith(need, city)) return;
  session.offered = [...session.offered, need];
  await ctx.reply(renderOffer(NEED_CATEGORY[need], serviceCityOf(city), renderContext(ctx)), {
    parse_mode: PARSE_MODE,
    reply_markup: keyboard([
      [
        { label: ctx.t("referrals:buttons.yes"), button: { kind: "referralOffer", need, yes: true } },
        { label: ctx.t("referrals:buttons.no"), button: { kind: "referralOffer", need, yes: false } },
      ],
    ]),
  });
}

/** At the end: services for their city, and a way to clear the chat from their phone. */
export async function sendEndOfInterviewOffer(ctx: BotContext, session: Session): Promise<void> {
  const city = personsCity(ctx, session);
  await ctx.reply(renderEndOffer(serviceCityOf(city), renderContext(ctx)), {
    parse_mode: PARSE_MODE,
    reply_markup: keyboard([
      [{ label: ctx.t("referrals:buttons.yes"), button: { kind: "help" } }],
      [{ label: ctx.t("bot:buttons.clear_chat"), button: { kind: "clearChat" } }],
    ]),
  });
}

/** After contacts, the interview goes on where it was: the current question comes back below them. */
async function resumeInterview(ctx: BotContext): Promise<void> {
  if (isActive(ctx.session)) await presentCurrent(ctx, ctx.session);
}

export const help = new Composer<BotContext>();

help.command("help", showHelpMenu);

help.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (!button) return next();
  const render = renderContext(ctx);
  const city = personsCity(ctx, ctx.session);
  switch (button.kind) {
    case "help":
      await ctx.answerCallbackQuery().catch(() => undefined);
      return showHelpMenu(ctx);
    case "urgentHelp":
      await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.deps.redis.incr(`${ctx.deps.config.REDIS_PREFIX}counter:urgent_help`);
      await sendHtml(ctx, renderUrgentHelp(ctx.deps.directory.urgentHelp(city), render));
      return resumeInterview(ctx);
    case "helpCategory":
      await ctx.answerCallbackQuery().catch(() => undefined);
      if (!isCategory(button.category)) return;
      await sendHtml(ctx, renderReferral(ctx.deps.directory.forCategory(button.category, city), render));
      return resumeInterview(ctx);
    case "referralOffer": {
      await ctx.answerCallbackQuery().catch(() => undefined);
      if (!isNeed(button.need)) return;
      // The offer's buttons go away either way; the person has answered it.
      await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
      if (!button.yes) {
        await ctx.reply(ctx.t("referrals:declined"));
        return;
      }
      await sendHtml(ctx, renderReferral(ctx.deps.directory.forNeed(button.need, city), render));
      return resumeInterview(ctx);
    }
    default:
      return next();
  }
});
