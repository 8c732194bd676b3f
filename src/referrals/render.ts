/**
 * Referral contacts as Telegram messages for a phone screen.
 *
 * Output is HTML: send it with `parse_mode: "HTML"`. Every piece of text, from the directory and
 * from the locale files alike, is escaped here, so an operator's "A & B" cannot break a message.
 * Phone numbers stay outside any tag and carry no spaces, so Telegram marks them as tappable
 * (+77272582643); short codes such as 112 are shown as they are. Messages are split between
 * entries, never inside one, and each stays under Telegram's 4,096 characters.
 */
import type { Language } from "../locales/i18n.ts";
import { uzbekLatinToCyrillic } from "../locales/uzbek-cyrillic.ts";
import type { Referral } from "./directory.ts";
import type { Category, Entry, EntryLanguage, LocalizedText, ServiceCity, Website } from "./schema.ts";

/** An i18next-style translate function already bound to the person's language (getFixedT). */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

export interface RenderContext {
  t: Translate;
  lang: Language;
}

export const PARSE_MODE = "HTML" as const;
export const TELEGRAM_TEXT_LIMIT = 4096;

const BLOCK_SEPARATOR = "\n\n";

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A directory text in the person's language; Uzbek Cyrillic is derived from the Latin, as for the locales. */
export function textIn(text: LocalizedText | string, lang: Language): string {
  if (typeof text === "string") return text;
  if (lang === "uz-Cyrl") return uzbekLatinToCyrillic(text.uz);
  return text[lang satisfies EntryLanguage];
}

/** The website in the person's language when the source has such a page; Uzbek Cyrillic readers get the Uzbek one. */
export function websiteIn(website: Website, lang: Language): string {
  if (typeof website === "string") return website;
  const entryLanguage: EntryLanguage = lang === "uz-Cyrl" ? "uz" : lang;
  return website[entryLanguage] ?? website.default;
}

/** 2026-11-24 → 24.11.2026, the way dates are written across the region. */
function formatDate(isoDate: string): string {
  const [year, month, day] = isoDate.split("-");
  return `${day}.${month}.${year}`;
}

/** "City: Almaty", or "Contacts for all of Kazakhstan." when the person gave no study city. */
function cityLine(city: ServiceCity | undefined, t: Translate): string {
  return city ? t("referrals:city_line", { city: t(`referrals:city.${city}`) }) : t("referrals:whole_country");
}

/** One service: name, description, tappable phones, where and when, and a discreet check date. */
export function renderEntry(entry: Entry, { t, lang }: RenderContext): string {
  const lines = [`<b>${escapeHtml(textIn(entry.name, lang))}</b>`, escapeHtml(textIn(entry.description, lang))];
  for (const phone of entry.phones) {
    const label = phone.label ? ` (${escapeHtml(textIn(phone.label, lang))})` : "";
    lines.push(`📞 ${phone.number}${label}`);
  }
  if (entry.address) lines.push(`📍 ${escapeHtml(textIn(entry.address, lang))}`);
  if (entry.hours) lines.push(`🕘 ${escapeHtml(textIn(entry.hours, lang))}`);
  if (entry.website) lines.push(`🌐 ${escapeHtml(websiteIn(entry.website, lang))}`);
  if (entry.email) lines.push(`✉️ ${escapeHtml(entry.email)}`);
  lines.push(`<i>${escapeHtml(t("referrals:entry.checked", { date: formatDate(entry.checked) }))}</i>`);
  return lines.join("\n");
}

export interface ReferralOptions {
  /** A locale key shown first, such as `referrals:urgent.intro`. */
  introKey?: string;
}

/**
 * A referral as one or more messages: an optional intro, then per category a heading (with the
 * city, or the notice that explains a substitution) and its entries, then a note that nothing
 * about the person is passed on. Headings stay with their first entry when messages split.
 */
export function renderReferral(referral: Referral, ctx: RenderContext, options: ReferralOptions = {}): string[] {
  const { t } = ctx;
  const blocks: string[] = [];
  const lead: string[] = [];
  if (options.introKey) lead.push(escapeHtml(t(options.introKey)));
  referral.sections.forEach((section, index) => {
    const heading = [`<b>${escapeHtml(t(`referrals:category.${section.category}`))}</b>`];
    if (index === 0) {
      if (referral.notice === "national_only" && referral.city) {
        heading.push(`<i>${escapeHtml(t("referrals:notice.national_only", { city: t(`referrals:city.${referral.city}`) }))}</i>`);
      } else if (referral.notice === "elsewhere" && referral.city) {
        heading.push(`<i>${escapeHtml(t("referrals:notice.elsewhere", { city: t(`referrals:city.${referral.city}`) }))}</i>`);
      } else if (referral.notice === "iom_instead") {
        heading.push(`<i>${escapeHtml(t("referrals:notice.iom_instead"))}</i>`);
      } else {
        heading.push(escapeHtml(cityLine(referral.city, t)));
      }
    }
    section.entries.forEach((entry, entryIndex) => {
      const rendered = renderEntry(entry, ctx);
      if (entryIndex > 0) return void blocks.push(rendered);
      const first = [...lead, heading.join("\n"), rendered].join(BLOCK_SEPARATOR);
      lead.length = 0;
      blocks.push(first);
    });
  });
  if (lead.length > 0) blocks.push(lead.join(BLOCK_SEPARATOR));
  blocks.push(`<i>${escapeHtml(t("referrals:privacy_note"))}</i>`);
  return packMessages(blocks);
}

/** "I need help now": the intro that asks nothing, then emergency and protection contacts. */
export function renderUrgentHelp(referral: Referral, ctx: RenderContext): string[] {
  return renderReferral(referral, ctx, { introKey: "referrals:urgent.intro" });
}

/** The question offered after an answer that signals a need; buttons come from `referrals:buttons.yes|no`. */
export function renderOffer(category: Category, city: ServiceCity | undefined, { t }: RenderContext): string {
  return `${escapeHtml(t(`referrals:offer.${category}`))}\n${escapeHtml(cityLine(city, t))}`;
}

/** The offer at the end of the interview. */
export function renderEndOffer(city: ServiceCity | undefined, { t }: RenderContext): string {
  return `${escapeHtml(t("referrals:end.offer"))}\n${escapeHtml(cityLine(city, t))}`;
}

/** The text above the help menu's topic buttons (labels: `referrals:category.<category>`). */
export function renderMenuIntro(city: ServiceCity | undefined, { t }: RenderContext): string {
  return `${escapeHtml(t("referrals:menu.intro"))}\n${escapeHtml(cityLine(city, t))}`;
}

/**
 * The length Telegram counts: text after its HTML is parsed, so tags count nothing and `&amp;`
 * counts one. (JavaScript lengths are UTF-16 units, as Telegram's are.)
 */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&(?:amp|lt|gt|quot);/g, "&").length;
}

/**
 * Joins blocks into as few messages as fit under the limit. The schema bounds every field of an
 * entry (well under 2,500 characters in all), so one block always fits Telegram's limit; with a
 * smaller custom limit an oversized block is sent alone rather than cut inside an entry.
 */
export function packMessages(blocks: readonly string[], limit = TELEGRAM_TEXT_LIMIT): string[] {
  const messages: string[] = [];
  let current = "";
  for (const block of blocks) {
    const joined = current === "" ? block : `${current}${BLOCK_SEPARATOR}${block}`;
    if (visibleLength(joined) <= limit || current === "") current = joined;
    else {
      messages.push(current);
      current = block;
    }
  }
  if (current !== "") messages.push(current);
  return messages;
}

/** Parameters for Telegram's sendVenue, for entries whose coordinates are known. */
export interface VenueParams {
  latitude: number;
  longitude: number;
  title: string;
  address: string;
}

export function venueFor(entry: Entry, lang: Language): VenueParams | undefined {
  if (!entry.coordinates) return undefined;
  return {
    latitude: entry.coordinates.lat,
    longitude: entry.coordinates.lon,
    title: textIn(entry.name, lang),
    // Telegram requires an address; the description is the best stand-in when none is known.
    address: textIn(entry.address ?? entry.description, lang),
  };
}
