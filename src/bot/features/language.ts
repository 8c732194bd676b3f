/** /language: switch at any time; the current question is shown again in the new language. */
import { Composer } from "grammy";
import { isLanguage } from "../../locales/i18n.ts";
import { decodeButton } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { isOffered, languageKeyboard, multilingualPrompt, welcomeBack } from "./onboarding.ts";

export const language = new Composer<BotContext>();

language.command("language", async (ctx) => {
  // Before consent there is nothing to switch: the picker starts onboarding afresh.
  const kind = ctx.session ? "switchLanguage" : "pickLanguage";
  await ctx.reply(multilingualPrompt(ctx), { reply_markup: languageKeyboard(ctx, kind) });
});

language.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (button?.kind !== "switchLanguage") return next();
  const session = ctx.session;
  if (!session || !isLanguage(button.lang) || !isOffered(ctx, button.lang)) {
    await ctx.answerCallbackQuery({ text: ctx.t("bot:hint.not_started") }).catch(() => undefined);
    return;
  }
  const next_ = { ...session, lang: button.lang };
  await ctx.commit(next_);
  ctx.lang = button.lang;
  ctx.t = ctx.deps.translator.fixed(button.lang);
  await ctx.answerCallbackQuery().catch(() => undefined);
  await ctx.editMessageText(ctx.t("bot:language.changed")).catch(() => undefined);
  await welcomeBack(ctx, next_);
});
