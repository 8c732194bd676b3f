/**
 * The two messages the reminder system sends on its own: the question (do you want a reminder?)
 * and the reminder itself. Both start with a line that names no survey and no subject, since a
 * phone shows that line on a locked screen where others may read it.
 */
import type { InlineKeyboard } from "grammy";
import type { Translator } from "../locales/i18n.ts";
import { keyboard } from "../bot/render/keyboard.ts";

export interface OutgoingMessage {
  text: string;
  reply_markup: InlineKeyboard;
}

type T = (key: string) => string;

export function offerMessage(t: T): OutgoingMessage {
  return {
    text: t("reminders:offer.text"),
    reply_markup: keyboard([
      [{ label: t("reminders:offer.tonight"), button: { kind: "reminderOffer", choice: "tonight" } }],
      [{ label: t("reminders:offer.tomorrow"), button: { kind: "reminderOffer", choice: "tomorrow" } }],
      [{ label: t("reminders:offer.no"), button: { kind: "reminderOffer", choice: "no" } }],
    ]),
  };
}

export function reminderMessage(t: T): OutgoingMessage {
  return {
    text: t("reminders:reminder.text"),
    reply_markup: keyboard([
      [{ label: t("reminders:reminder.continue"), button: { kind: "reminderContinue" } }],
      [{ label: t("reminders:reminder.stop"), button: { kind: "reminderStop" } }],
    ]),
  };
}

/** A `t` for a stored language code, falling back to Russian for anything unknown. */
export function textsFor(translator: Translator, lang: string | undefined): T {
  return (key) => translator.t(lang ?? "ru", key);
}
