/**
 * /start, the language choice, consent, and moving between studies.
 *
 * Until the person presses "I agree", the bot keeps nothing about them: the chosen language,
 * the invite's campaign code and the study travel inside the buttons themselves, and only an
 * anonymous "started" counter moves. Declining leaves that counter and nothing else.
 *
 * An invite to another study while one is under way asks the person: carry on, or start the
 * new one. Either way nothing is lost: the other study's session waits, parked, for their return.
 */
import { Composer } from "grammy";
import { isLanguage, type Language } from "../../locales/i18n.ts";
import type { Study } from "../../studies/study.ts";
import { studyByRef, studyRef } from "../../studies/study-ref.ts";
import { decodeButton } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { isActive, welcomeBack } from "../interview/interview.ts";
import { runnerOf } from "../interview/runners.ts";
import { keyboard } from "../render/keyboard.ts";
import { SESSION_FORMAT, type Session } from "../session/session.ts";
import { parkCurrent, returnToStudy, sessionStudyKey } from "../session/study-switch.ts";
import { campaignFromTypedText, startTarget, studyOfInvite } from "./invite-source.ts";

export { welcomeBack };

/** Whether respondents may choose `lang` (in production: reviewed, or allowed by the operator). */
export function isOffered(ctx: BotContext, lang: Language): boolean {
  return ctx.deps.languages.offered.includes(lang);
}

/** The language picker: each offered language named in its own script (marked in the preview if not reviewed). */
export function languageKeyboard(ctx: BotContext, kind: "pickLanguage" | "switchLanguage", campaign?: string, study?: Study) {
  const { translator, languages } = ctx.deps;
  const label = (lang: Language) => {
    const name = translator.t(lang, "bot:language.self_name");
    const mark = languages.marked.get(lang);
    return mark ? `⚠️ ${name} (${mark})` : name;
  };
  const button = (lang: Language) =>
    kind === "pickLanguage" ? { kind, lang, ...(campaign ? { campaign } : {}), ...(study ? { study: studyRef(study.formId) } : {}) } : { kind, lang };
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

/** The source an invite's campaign code stands for in `study`'s funnel, counted as "started". */
async function countStarted(ctx: BotContext, study: Study, campaign: string | undefined): Promise<string | undefined> {
  const funnel = ctx.deps.funnels.of(study.key);
  const source = campaign ? await funnel.resolveCampaign(campaign) : undefined;
  await funnel.count(source, "started");
  return source;
}

/** Greets a newcomer to `study` and asks for their language; keeps nothing. */
async function welcomeNewcomer(ctx: BotContext, study: Study, campaign: string | undefined): Promise<void> {
  ctx.study = study;
  const source = await countStarted(ctx, study, campaign);
  // The IOM study's welcome names its people; a form study's names the form.
  const welcome = study.kind === "form" ? ctx.t("form:welcome", { title: study.form.title }) : ctx.t("bot:flow.welcome");
  await ctx.reply(`${welcome}\n\n${multilingualPrompt(ctx)}`, {
    reply_markup: languageKeyboard(ctx, "pickLanguage", source ? campaign : undefined, study),
  });
}

/** The consent screen of ctx.study in the chosen language, with the agree/decline buttons. */
function consentScreen(ctx: BotContext, lang: Language, campaign: string | undefined) {
  const t = ctx.deps.translator.fixed(lang);
  const texts = runnerOf(ctx).consentTexts(ctx, t, ctx.textParamsFor(lang));
  const study = studyRef(ctx.study.formId);
  const rows = texts.order.map((choice) => [
    { label: choice === "agree" ? texts.agree : texts.decline, button: { kind: "consent" as const, choice, lang, study, ...(campaign ? { campaign } : {}) } },
  ]);
  return { text: texts.text, reply_markup: keyboard(rows) };
}

/** Someone who already speaks with the bot joins a new study: its consent screen, in their language. */
async function offerNewStudy(ctx: BotContext, study: Study, campaign: string | undefined): Promise<void> {
  ctx.study = study;
  const source = await countStarted(ctx, study, campaign);
  const screen = consentScreen(ctx, ctx.lang, source ? campaign : undefined);
  await ctx.reply(screen.text, { reply_markup: screen.reply_markup });
}

/** An invite to another study mid-interview: carry on, or start the new one (this one is kept). */
async function askToSwitch(ctx: BotContext, target: Study, campaign: string | undefined): Promise<void> {
  await ctx.reply(ctx.t("bot:study.switch_question"), {
    reply_markup: keyboard([
      [{ label: ctx.t("bot:study.keep_current"), button: { kind: "keepStudy" } }],
      [{ label: ctx.t("bot:study.start_new"), button: { kind: "switchStudy", study: studyRef(target.formId), ...(campaign ? { campaign } : {}) } }],
    ]),
  });
}

/**
 * Takes the person to `target`: back into their session of it if they have one, else to its
 * welcome (language known: straight to consent). The study they leave stays parked.
 */
async function goToStudy(ctx: BotContext, target: Study, campaign: string | undefined): Promise<void> {
  const back = await returnToStudy(ctx, target);
  if (back) return welcomeBack(ctx, back);
  if (ctx.session) return offerNewStudy(ctx, target, campaign);
  return welcomeNewcomer(ctx, target, campaign);
}

export const onboarding = new Composer<BotContext>();

onboarding.command("start", async (ctx) => {
  const target = startTarget(ctx.match, ctx.deps);
  const session = ctx.session;
  if (session) {
    // Plain /start, or the link of the study they are in: carry on where they are.
    if (!target.invited || sessionStudyKey(ctx, session) === target.study.key) return welcomeBack(ctx, session);
    if (isActive(session)) return askToSwitch(ctx, target.study, target.campaign);
  }
  return goToStudy(ctx, target.study, target.campaign);
});

/** The answer to "carry on, or start the other study?". */
onboarding.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (button?.kind !== "keepStudy" && button?.kind !== "switchStudy") return next();
  const target = button.kind === "switchStudy" ? studyByRef(ctx.deps.studies, button.study) : undefined;
  if (button.kind === "switchStudy" && !target) {
    await ctx.answerCallbackQuery({ text: ctx.t("bot:hint.stale_button") }).catch(() => undefined);
    return;
  }
  await ctx.answerCallbackQuery().catch(() => undefined);
  // The question is answered: its buttons go, so a second tap cannot switch back and forth.
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  if (target && button.kind === "switchStudy") return goToStudy(ctx, target, button.campaign);
  if (ctx.session) return welcomeBack(ctx, ctx.session);
  await ctx.reply(ctx.t("bot:hint.not_started"));
});

onboarding.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (button?.kind !== "pickLanguage" && button?.kind !== "consent") return next();
  // Buttons from before studies were data name none: they were the default study's.
  const study = button.study === undefined ? ctx.deps.studies.default : studyByRef(ctx.deps.studies, button.study);
  if (!study || !isLanguage(button.lang) || !isOffered(ctx, button.lang)) {
    await ctx.answerCallbackQuery({ text: ctx.t("bot:hint.stale_button") }).catch(() => undefined);
    return;
  }
  if (ctx.session && sessionStudyKey(ctx, ctx.session) === study.key) {
    // A second tap on an old onboarding button: the interview is already under way.
    await ctx.answerCallbackQuery().catch(() => undefined);
    return welcomeBack(ctx, ctx.session);
  }
  ctx.study = study;
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
  // One completed interview per person and study, even after the session of the first one expired.
  if (await ctx.deps.records.of(study.key).has(ctx.deps.pseudonyms.respondent(ctx.from.id))) {
    await ctx.answerCallbackQuery().catch(() => undefined);
    await ctx.editMessageText(t("bot:flow.already_completed")).catch(() => ctx.reply(t("bot:flow.already_completed")));
    return;
  }
  // The person was in this study before (an old consent button): back to that interview.
  const back = await returnToStudy(ctx, study);
  if (back) {
    await ctx.answerCallbackQuery().catch(() => undefined);
    return welcomeBack(ctx, back);
  }
  // Agreed: from here on the person has a session in this study, under a pseudonym of their chat;
  // the study they were in before, if any, waits parked.
  await parkCurrent(ctx);
  const funnel = ctx.deps.funnels.of(study.key);
  const source = button.campaign ? await funnel.resolveCampaign(button.campaign) : undefined;
  const session: Session = {
    format: SESSION_FORMAT,
    lang,
    study: study.key,
    ...(source ? { source } : {}),
    ...runnerOf(ctx).newSession(ctx),
    pace: [],
    messages: [],
    offered: [],
  };
  ctx.lang = lang;
  ctx.t = t;
  await funnel.count(source, "consented");
  await runnerOf(ctx).begin(ctx, session);
});

/** A newcomer who types instead of tapping: maybe a campaign code from a poster, else a greeting. */
onboarding.on("message:text", async (ctx, next) => {
  if (ctx.session || ctx.message.text.startsWith("/")) return next();
  const campaign = campaignFromTypedText(ctx.message.text);
  const invite = campaign ? await ctx.deps.funnelStore.resolveCampaignCode(campaign) : undefined;
  const study = (invite && studyOfInvite(ctx.deps.studies, invite.invite)) ?? ctx.deps.studies.default;
  return welcomeNewcomer(ctx, study, invite ? campaign : undefined);
});
