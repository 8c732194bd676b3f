/**
 * Everything the survey cannot use gets a short, localized hint and is never stored: stickers,
 * voice, photos, files, locations, shared contacts (a phone number is not even logged), edits
 * of earlier messages, and text when buttons are expected.
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { isActive, presentCurrent, welcomeBack } from "../interview/interview.ts";

export const unsupportedInput = new Composer<BotContext>();

unsupportedInput.on("message:contact", async (ctx) => {
  await ctx.reply(ctx.t("bot:hint.contact_not_kept"));
});

unsupportedInput.on(
  ["message:sticker", "message:voice", "message:photo", "message:video", "message:video_note", "message:audio", "message:document", "message:animation", "message:location", "message:venue", "message:poll", "message:dice"],
  async (ctx) => {
    await ctx.reply(ctx.t("bot:hint.media"));
  },
);

unsupportedInput.on("edited_message", async (ctx) => {
  // An edit cannot change an answer already stored; the person uses Back instead.
  await ctx.reply(ctx.t("bot:hint.use_buttons"));
});

/** A button nobody handles: old, from an earlier version, or forged. */
unsupportedInput.on("callback_query", async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("bot:hint.stale_button") }).catch(() => undefined);
  if (isActive(ctx.session)) await presentCurrent(ctx, ctx.session);
});

/** Any other message: a hint, and the way back into the survey. */
unsupportedInput.on("message", async (ctx) => {
  const text = ctx.message.text ?? "";
  if (text.length > 1000) await ctx.reply(ctx.t("bot:hint.too_long"));
  else if (!ctx.session) await ctx.reply(ctx.t("bot:hint.not_started"));
  if (ctx.session) await welcomeBack(ctx, ctx.session);
});
