/**
 * /start, the language choice and consent.
 *
 * Until the person presses "I agree", the bot keeps nothing about them: the chosen language
 * and the invite's campaign code travel inside the buttons themselves, and only an anonymous
 * "started" counter moves. Declining leaves that counter and nothing else.
 */
import { Composer } from "grammy";
import * as engine from "../../flows/engine.ts";
import { isLanguage, type Language } from "../../locales/i18n.ts";
import { decodeButton } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { keyboard } from "../render/keyboard.ts";
import { SESSION_FORMAT, type Session } from "../session/session.ts";
import { isActive, presentCurrent, submitAnswer } from "./survey.ts";
import { campaignFromStartPayload, campaignFromTypedText } from "./invite-source.ts";
import { formRunner } from "../form/form-runner.ts";
import { formRecordsOf } from "../form/form-records.ts";

/** Whether respondents may choose `lang` (in production: reviewed, or allowed by the operator). */
export function isOffered(ctx: BotContext, lang: Language): boolean {
  return ctx.deps.languages.offered.includes(lang);
}

/** The language picker: each offered language named in its own script (marked in the preview if not reviewed). */
export function languageKeyboard(ctx: BotContext, kind: "pickLanguage" | "switchLanguage", campaign?: string) {
  const { translator, languages } = ctx.deps;
  const label = (lang: Language) => {
    const name = translator.t(lang, "bot:language.self_name");
    const mark = languages.marked.get(lang);
    return mark ? `⚠️ ${name} (${mark})` : name;
  };
  const button = (lang: Language) =>
    kind === "pickLanguage" ? { kind, lang, ...(campaign ? { campaign } : {}) } : { kind, lang };
  return keyboard(languages.offered.map((lang) => [{ label: label(lang), button: button(lang) }]));
}

/** "Choose your language" in every offered language, since we do not know yet which one they read. */
export function multilingualPrompt(ctx: BotContext): string {
  const { translator, languages } = ctx.deps;
  const suggested = ctx.lang;
  const others = languages.offered.filter((l) => l !== suggested && l !== "uz-Cyrl");
  const first = languages.offered.includes(suggested) ? [suggested] : [];
  return [...first, ...others].map((lang) => translator.t(lang, "bot:language.prompt")).join("\n");
}

/** Greets a newcomer and asks for their language; keeps nothing. */
async function welcomeNewcomer(ctx: BotContext, campaign: string | undefined): Promise<void> {
  const source = campaign ? await ctx.deps.funnel.resolveCampaign(campaign) : undefined;
  await ctx.deps.funnel.count(source, "started");
  const welcome = ctx.study.kind === "form" ? ctx.t("form:welcome", { title: ctx.study.form.title }) : ctx.t("bot:flow.welcome");
  await ctx.reply(`${welcome}\n\n${multilingualPrompt(ctx)}`, {
    reply_markup: languageKeyboard(ctx, "pickLanguage", source ? campaign : undefined),
  });
}

/** Someone who already has a session: continue, or say where they stand. */
export async function welcomeBack(ctx: BotContext, session: Session): Promise<void> {
  if (session.form && ctx.study.kind === "form") {
    if (session.form.status === "active") {
      const progress = formRunner.progress(ctx, session);
      return formRunner.presentCurrent(ctx, session, ctx.t("bot:flow.welcome_back", { position: progress.position, total: progress.total }));
    }
    await ctx.reply(ctx.t("bot:flow.already_completed"));
    return;
  }
  if (session.survey.status === "active") {
    const progress = engine.progress(ctx.deps.definition, session.survey, ctx.env);
    return presentCurrent(ctx, session, ctx.t("bot:flow.welcome_back", { position: progress.position, total: progress.total }));
  }
  if (session.survey.status === "completed") {
    await ctx.reply(ctx.t("bot:flow.already_completed"));
    return;
  }
  await ctx.reply(ctx.t("bot:flow.ineligible_after"), {
    reply_markup: keyboard([[{ label: ctx.t("bot:buttons.help"), button: { kind: "help" } }]]),
  });
}

/** The consent screen in the chosen language, with the agree/decline buttons. */
function consentScreen(ctx: BotContext, lang: Language, campaign: string | undefined) {
  const { definition, translator } = ctx.deps;
  if (ctx.study.kind === "form") {
    const texts = formRunner.consentTexts(ctx, (key, params) => translator.t(lang, key, params), { ...ctx.textParamsFor(lang) });
    const rows = texts.order.map((choice) => [{ label: choice === "agree" ? texts.agree : texts.decline, button: { kind: "consent" as const, choice, lang, ...(campaign ? { campaign } : {}) } }]);
    return { text: texts.text, reply_markup: keyboard(rows) };
  }
  const question = engine.findQuestion(definition, definition.consent.question)!;
  const t = translator.fixed(lang);
  const agree = definition.consent.agree;
  const options = (question.options ?? []).map((o) => [
    {
      label: t(o.labelKey),
      button: { kind: "consent" as const, choice: o.code === agree ? ("agree" as const) : ("decline" as const), lang, ...(campaign ? { campaign } : {}) },
    },
  ]);
  return { text: t(question.textKey, ctx.textParamsFor(lang)), reply_markup: keyboard(options) };
}

export const onboarding = new Composer<BotContext>();

onboarding.command("start", async (ctx) => {
  if (ctx.session) return welcomeBack(ctx, ctx.session);
  const campaign = campaignFromStartPayload(ctx.match, ctx.deps);
  return welcomeNewcomer(ctx, campaign);
});

onboarding.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (button?.kind !== "pickLanguage" && button?.kind !== "consent") return next();
  if (ctx.session) {
    // A second tap on an old onboarding button: the interview is already under way.
    await ctx.answerCallbackQuery().catch(() => undefined);
    return welcomeBack(ctx, ctx.session);
  }
  if (!isLanguage(button.lang) || !isOffered(ctx, button.lang)) {
    await ctx.answerCallbackQuery({ text: ctx.t("bot:hint.stale_button") }).catch(() => undefined);
    return;
  }
  const lang = button.lang;
  if (button.kind === "pickLanguage") {
    await ctx.answerCallbackQuery().catch(() => undefined);
    const screen = consentScreen(ctx, lang, button.campaign);
    await ctx.editMessageText(screen.text, { reply_markup: screen.reply_markup }).catch(() => ctx.reply(screen.text, { reply_markup: screen.reply_markup }));
    return;
  }
  const t = ctx.deps.translator.fixed(lang);
  if (button.choice === "decline") {
    await ctx.answerCallbackQuery().catch(() => undefined);
    await ctx.editMessageText(t("bot:consent.declined")).catch(() => ctx.reply(t("bot:consent.declined")));
    return;
  }
  // One completed interview per person, even after the session of the first one expired.
  const records = ctx.study.kind === "form" ? formRecordsOf(ctx, ctx.study) : ctx.deps.records;
  if (await records.has(ctx.deps.pseudonyms.respondent(ctx.from.id))) {
    await ctx.answerCallbackQuery().catch(() => undefined);
    await ctx.editMessageText(t("bot:flow.already_completed")).catch(() => ctx.reply(t("bot:flow.already_completed")));
    return;
  }
  // Agreed: from here on the person has a session, under a pseudonym of their chat.
  const source = button.campaign ? await ctx.deps.funnel.resolveCampaign(button.campaign) : undefined;
  const session: Session = {
    format: SESSION_FORMAT,
    lang,
    ...(source ? { source } : {}),
    survey: engine.start(ctx.deps.definition),
    pace: [],
    messages: [],
    offered: [],
  };
  ctx.lang = lang;
  ctx.t = t;
  await ctx.deps.funnel.count(source, "consented");
  if (ctx.study.kind === "form") return formRunner.begin(ctx, { ...session, ...formRunner.newSession(ctx), study: ctx.study.key });
  await submitAnswer(ctx, session, ctx.deps.definition.consent.question, ctx.deps.definition.consent.agree);
});

/** A newcomer who types instead of tapping: maybe a campaign code from a poster, else a greeting. */
onboarding.on("message:text", async (ctx, next) => {
  if (ctx.session || ctx.message.text.startsWith("/")) return next();
  return welcomeNewcomer(ctx, campaignFromTypedText(ctx.message.text));
});
