/**
 * Texts sized for a cheap phone: a button label that fits the screen width, a question that fits
 * without much scrolling, and no message Telegram would refuse (4,096 characters).
 */
import { describe, expect, it } from "vitest";
import { ALL_LANGUAGES, isButtonLabel, textsOf, type Texts } from "./resources.ts";

const MAX_BUTTON_LABEL = 40;
const MAX_QUESTION_TEXT = 600;
const TELEGRAM_MAX_MESSAGE = 4096;

/** A long but realistic value for every placeholder: a link, a city with its region, a code. */
const LONG_VALUE = "https://t.me/kz_migrant_survey_bot?start";
/** The widest number a placeholder may show: a count, a year, a wage in tenge. */
const LONG_NUMBER = "1 000 000 000";

/**
 * The values the bot fills into question texts by default (src/platform/config.ts). The 600-character
 * reading limit is measured with these; the hard 4,096 limit with the long values above.
 */
const DEFAULT_QUESTION_VALUES: Readonly<Record<string, string>> = {
  organisation: "IOM Kazakhstan",
  retentionDays: "365",
  sessionDays: "30",
  minWage: "85 000",
};

/** With `texts`, {{organisation}} is that language's own name (survey:organisation), as the bot fills it in. */
function interpolateDefaults(text: string, texts?: Texts): string {
  const organisation = texts?.get("survey:organisation");
  return text.replace(/\{\{\s*([^\s,}]+)[^}]*\}\}/g, (_, name: string) => (name === "organisation" && organisation) || DEFAULT_QUESTION_VALUES[name] || LONG_VALUE);
}

/** Characters as a person sees them (an emoji is one), for label widths. */
const visibleLength = (text: string) => [...text].length;

function interpolateLong(text: string): string {
  return text.replace(/\{\{\s*([^\s,}]+)[^}]*\}\}/g, (_, name: string) =>
    /count|percent|position|total|min|max|days|rows|example|started|consented|eligible|completed|generalized|flagged/i.test(name) ? LONG_NUMBER : LONG_VALUE,
  );
}

/** A question as the bot sends it: progress lines, text, hint and the longest instruction. */
function questionMessages(texts: Texts): Array<[string, string]> {
  const instructions = [...texts].filter(([key]) => key.startsWith("bot:question.")).map(([, text]) => interpolateLong(text));
  const longestInstruction = instructions.reduce((a, b) => (a.length >= b.length ? a : b), "");
  const progress = ["bot:progress.line", "bot:progress.position"].map((key) => interpolateLong(texts.get(key) ?? ""));
  return [...texts]
    .filter(([key]) => /^survey:q\.[^.]+\.text$/.test(key))
    .map(([key, text]) => {
      const hint = texts.get(key.replace(/\.text$/, ".hint"));
      const parts = [...progress, "", interpolateLong(text), ...(hint ? [interpolateLong(hint)] : []), longestInstruction];
      return [key, parts.join("\n")];
    });
}

describe("phone-sized texts", () => {
  it("uses long values that are long", () => {
    expect(LONG_VALUE).toHaveLength(40);
    expect(interpolateLong("{{city}} {{count}}")).toBe(`${LONG_VALUE} ${LONG_NUMBER}`);
    expect(interpolateDefaults("{{organisation}}, {{retentionDays}}, {{link}}")).toBe(`IOM Kazakhstan, 365, ${LONG_VALUE}`);
  });

  it.each(ALL_LANGUAGES)(`%s: every button label is at most ${MAX_BUTTON_LABEL} characters`, (lang) => {
    const labels = [...textsOf(lang)].filter(([key]) => isButtonLabel(key));
    expect(labels.length).toBeGreaterThan(100);
    const tooLong = labels.map(([key, text]) => [key, interpolateLong(text)] as const).filter(([, text]) => visibleLength(text) > MAX_BUTTON_LABEL);
    expect(tooLong.map(([key, text]) => `${key} (${visibleLength(text)}): ${text}`)).toEqual([]);
  });

  it.each(ALL_LANGUAGES)(`%s: every question text is at most ${MAX_QUESTION_TEXT} characters`, (lang) => {
    const texts = textsOf(lang);
    const questions = [...texts].filter(([key]) => /^survey:q\.[^.]+\.text$/.test(key));
    expect(questions.length).toBeGreaterThan(50);
    const tooLong = questions.filter(([, text]) => visibleLength(interpolateDefaults(text, texts)) > MAX_QUESTION_TEXT);
    expect(tooLong.map(([key, text]) => `${key} (${visibleLength(interpolateDefaults(text, texts))})`)).toEqual([]);
  });

  it.each(ALL_LANGUAGES)(`%s: no text or question message exceeds ${TELEGRAM_MAX_MESSAGE} characters with long values`, (lang) => {
    const texts = textsOf(lang);
    // Telegram counts UTF-16 code units, which is what String.length counts.
    const messages: Array<[string, string]> = [...[...texts].map(([key, text]) => [key, interpolateLong(text)] as [string, string]), ...questionMessages(texts)];
    const tooLong = messages.filter(([, text]) => text.length > TELEGRAM_MAX_MESSAGE);
    expect(tooLong.map(([key, text]) => `${key} (${text.length})`)).toEqual([]);
  });
});
