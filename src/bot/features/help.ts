/**
 * Support services for the person's city and citizenship: /help and the Help button at any time,
 * "I need help now", an offer after an answer that signals a need, and an offer at the end.
 *
 * It never manages cases: it asks nothing about what happened, passes nothing to anyone, and
 * shows contacts only when asked or when an offer is accepted. The only thing counted is an
 * anonymous number of "help now" requests.
 *
 * Mid-interview, every help screen ends with "back to the questions", which shows the current
 * question again; the copy shown before loses its buttons, so only one copy can be answered.
 */
import { Composer } from "grammy";
import type { NeedTag } from "../../flows/schema.ts";
import { NEED_CATEGORY, serviceCityOf } from "../../referrals/directory.ts";
import { PARSE_MODE, renderMenuIntro, renderReferral, renderUrgentHelp } from "../../referrals/render.ts";
import { CATEGORIES, type Category } from "../../referrals/schema.ts";
import { decodeButton } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { chunk, keyboard } from "../render/keyboard.ts";
import { isActive, presentCurrent } from "../interview/interview.ts";
import { personOf } from "../interview/person.ts";
import { backRow, renderContext, sendHtml } from "../interview/support-offers.ts";

const isCategory = (value: string): value is Category => (CATEGORIES as readonly string[]).includes(value);
const isNeed = (value: string): value is NeedTag => value in NEED_CATEGORY;

/** The help menu: "I need help now" first, then one button per topic that has contacts for this person. */
export async function showHelpMenu(ctx: BotContext): Promise<void> {
  const { city, citizenship } = personOf(ctx, ctx.session);
  const render = renderContext(ctx);
  const topics = ctx.deps.directory
    .categoriesAvailable(city, citizenship)
    .filter((c) => c !== "emergency" && c !== "protection")
    .map((category) => ({ label: ctx.t(`referrals:category.${category}`), button: { kind: "helpCategory" as const, category } }));
  await ctx.reply(renderMenuIntro(serviceCityOf(city), render), {
    parse_mode: PARSE_MODE,
    reply_markup: keyboard([[{ label: ctx.t("referrals:buttons.urgent"), button: { kind: "urgentHelp" } }], ...chunk(topics, 1), ...backRow(ctx)]),
  });
}

/**
 * Shows the current question again below the help screens. The copy shown before loses its
 * buttons first, so the person can answer only the newest one.
 */
async function backToQuestions(ctx: BotContext): Promise<void> {
  const session = ctx.session;
  if (!isActive(session)) {
    await ctx.answerCallbackQuery({ text: ctx.t(session ? "bot:hint.finished" : "bot:hint.not_started") }).catch(() => undefined);
    return;
  }
  await ctx.answerCallbackQuery().catch(() => undefined);
  // This button has done its job; a second tap on it would only repeat the question.
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  const shown = session.questionMessage;
  const pressed = ctx.callbackQuery?.message?.message_id;
  // The question is already below this help screen (a double tap, or an older "back"): once is enough.
  if (shown && pressed !== undefined && shown.id > pressed) return;
  if (shown) {
    await ctx.api.editMessageReplyMarkup(ctx.chat!.id, shown.id, { reply_markup: undefined }).catch((error: unknown) => {
      // Gone or already without buttons: nothing left to retire.
      ctx.deps.logger.debug({ err: error }, "could not retire the earlier copy of a question");
    });
  }
  await presentCurrent(ctx, session);
}

export const help = new Composer<BotContext>();

help.command("help", showHelpMenu);

help.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (!button) return next();
  const render = renderContext(ctx);
  const { city, citizenship } = personOf(ctx, ctx.session);
  switch (button.kind) {
    case "help":
      await ctx.answerCallbackQuery().catch(() => undefined);
      return showHelpMenu(ctx);
    case "urgentHelp":
      await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.deps.redis.incr(`${ctx.deps.config.REDIS_PREFIX}counter:urgent_help`);
      return sendHtml(ctx, renderUrgentHelp(ctx.deps.directory.urgentHelp(city), render));
    case "helpCategory":
      await ctx.answerCallbackQuery().catch(() => undefined);
      if (!isCategory(button.category)) return;
      return sendHtml(ctx, renderReferral(ctx.deps.directory.forCategory(button.category, city, citizenship), render));
    case "referralOffer": {
      await ctx.answerCallbackQuery().catch(() => undefined);
      if (!isNeed(button.need)) return;
      // The offer's buttons go away either way; the person has answered it.
      await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
      if (!button.yes) {
        const back = backRow(ctx);
        await ctx.reply(ctx.t("referrals:declined"), back.length > 0 ? { reply_markup: keyboard(back) } : {});
        return;
      }
      return sendHtml(ctx, renderReferral(ctx.deps.directory.forNeed(button.need, city, citizenship), render));
    }
    case "backToQuestions":
      return backToQuestions(ctx);
    default:
      return next();
  }
});
