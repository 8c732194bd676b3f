/**
 * Support offers the interview makes: after an answer that signals a need (once per need, only
 * where there are contacts), and at the end. What the person then opens is features/help.ts.
 */
import type { InlineKeyboard } from "grammy";
import type { NeedTag } from "../../flows/schema.ts";
import { NEED_CATEGORY, serviceCityOf } from "../../referrals/directory.ts";
import { PARSE_MODE, type RenderContext, renderEndOffer, renderOffer } from "../../referrals/render.ts";
import type { BotContext } from "../context.ts";
import { keyboard, type LabelledButton } from "../render/keyboard.ts";
import type { Session } from "../session/session.ts";
import { personOf } from "./person.ts";
import { isActive } from "./status.ts";

/** The referral renderer's view of this update's language. */
export function renderContext(ctx: BotContext): RenderContext {
  return { t: (key, params) => ctx.t(key, params ?? {}) as string, lang: ctx.lang };
}

/** "Back to the questions", offered only while there is an interview to go back to. */
export function backRow(ctx: BotContext): LabelledButton[][] {
  return isActive(ctx.session) ? [[{ label: ctx.t("referrals:buttons.back_to_questions"), button: { kind: "backToQuestions" } }]] : [];
}

/** Sends contacts; the last message carries the way back to the interview, if there is one. */
export async function sendHtml(ctx: BotContext, messages: string[]): Promise<void> {
  const back = backRow(ctx);
  for (const [index, text] of messages.entries()) {
    const last = index === messages.length - 1;
    const markup: { reply_markup?: InlineKeyboard } = last && back.length > 0 ? { reply_markup: keyboard(back) } : {};
    await ctx.reply(text, { parse_mode: PARSE_MODE, link_preview_options: { is_disabled: true }, ...markup });
  }
}

/** Offers contacts after an answer that signals a need, once per need, only if there are some; the person chooses. */
export async function offerSupport(ctx: BotContext, session: Session, need: NeedTag): Promise<void> {
  const { city, citizenship } = personOf(ctx, session);
  if (session.offered.includes(need) || !ctx.deps.directory.canHelpWith(need, city, citizenship)) return;
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
  const { city } = personOf(ctx, session);
  await ctx.reply(renderEndOffer(serviceCityOf(city), renderContext(ctx)), {
    parse_mode: PARSE_MODE,
    reply_markup: keyboard([
      [{ label: ctx.t("referrals:buttons.yes"), button: { kind: "help" } }],
      [{ label: ctx.t("bot:buttons.clear_chat"), button: { kind: "clearChat" } }],
    ]),
  });
}
