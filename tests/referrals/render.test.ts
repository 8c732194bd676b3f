import { describe, expect, it } from "vitest";
import { LANGUAGES, type Language } from "../../src/locales/i18n.ts";
import { loadDirectory, parseDirectory } from "../../src/referrals/directory.ts";
import {
  packMessages,
  renderEndOffer,
  renderEntry,
  renderOffer,
  renderReferral,
  renderUrgentHelp,
  TELEGRAM_TEXT_LIMIT,
  venueFor,
  visibleLength,
} from "../../src/referrals/render.ts";
import { CATEGORIES } from "../../src/referrals/schema.ts";
import { fixtureEntry, strictTranslate } from "./fixtures.ts";

const shipped = loadDirectory();
const context = (lang: Language) => ({ t: strictTranslate(lang), lang });

/** The text outside any HTML tag's content, line by line: where Telegram detects phone numbers. */
function linesOutsideTags(html: string): string[] {
  return html
    .replace(/<(b|i)>[\s\S]*?<\/\1>/g, "")
    .split("\n")
    .map((line) => line.trim());
}

/** Only <b> and <i>, properly nested: anything else would make Telegram refuse the message. */
function expectValidTelegramHtml(html: string): void {
  const open: string[] = [];
  for (const [, closing, tag] of html.matchAll(/<(\/?)([a-z]+)>/g)) {
    expect(["b", "i"]).toContain(tag);
    if (closing) expect(open.pop()).toBe(tag);
    else open.push(tag!);
  }
  expect(open).toEqual([]);
  expect(html.replace(/<\/?[bi]>/g, "")).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;)/);
}

describe.each(LANGUAGES)("rendering in %s", (lang) => {
  const ctx = context(lang);

  it("shows the urgent contacts with every number on a line of its own, tappable", () => {
    const messages = renderUrgentHelp(shipped.urgentHelp("almaty"), ctx);
    const lines = messages.flatMap(linesOutsideTags);
    for (const number of ["112", "101", "102", "103"]) expect(lines).toContain(`📞 ${number}`);
  });

  it("writes international numbers without spaces, outside any markup", () => {
    const messages = renderReferral(shipped.forCategory("iom", "almaty"), ctx);
    const lines = messages.flatMap(linesOutsideTags);
    expect(lines).toContain("📞 +77272582643");
    expect(messages.join("\n")).not.toMatch(/\+7[\d ]*\s\d/);
  });

  it("keeps every message valid HTML and under Telegram's limit, for every city and category", () => {
    for (const city of ["almaty", "astana", "shymkent", undefined]) {
      const referrals = [shipped.urgentHelp(city), ...CATEGORIES.map((c) => shipped.forCategory(c, city))];
      for (const message of referrals.flatMap((referral) => renderReferral(referral, ctx))) {
        expect(visibleLength(message)).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
        expect(message.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
        expectValidTelegramHtml(message);
      }
    }
  });

  it("writes the check date discreetly, in italics", () => {
    const [entry] = shipped.forCity("astana", "iom");
    expect(renderEntry(entry!, ctx)).toMatch(/<i>[^<]*24\.11\.2026<\/i>$/);
  });

  it("asks the offer with the city, or for the whole country when none was given", () => {
    const withCity = renderOffer("health", "shymkent", ctx);
    const without = renderOffer("health", undefined, ctx);
    expect(withCity).not.toBe(without);
    expect(withCity).toContain(strictTranslate(lang)("referrals:city.shymkent"));
    expect(renderEndOffer(undefined, ctx)).toContain(strictTranslate(lang)("referrals:whole_country"));
  });
});

describe("texts in the person's language", () => {
  it("uses the entry's own language, and Cyrillic Uzbek derived from the Latin", () => {
    const [iom] = shipped.forCity("almaty", "iom");
    expect(renderEntry(iom!, context("kk"))).toContain(iom!.name.kk);
    expect(renderEntry(iom!, context("uz"))).toContain(iom!.name.uz);
    const cyrillic = renderEntry(iom!, context("uz-Cyrl"));
    expect(cyrillic).toContain("Халқаро миграция ташкилоти");
    expect(cyrillic).not.toContain(iom!.name.uz);
    expect(cyrillic).toContain("📞 +77272582643");
    expect(cyrillic).toContain("iomalmaty@iom.int");
  });

  it("tells a person from a city without its own services that national ones follow", () => {
    const [message] = renderReferral(shipped.forNeed("health", "shymkent"), context("ru"));
    expect(message).toContain("Для города Шымкент таких контактов пока нет");
    expect(message).toContain("📞 103");
  });

  it("opens 'I need help now' with a text that asks nothing", () => {
    const [first] = renderUrgentHelp(shipped.urgentHelp(undefined), context("en"));
    expect(first!.startsWith(strictTranslate("en")("referrals:urgent.intro"))).toBe(true);
    expect(first!.split("\n\n")[0]).not.toContain("?");
  });
});

describe("escaping and splitting", () => {
  it("escapes what an operator wrote, so it cannot break the message", () => {
    const odd = parseDirectory({
      version: 1,
      entries: [
        fixtureEntry("odd_1", "national", ["legal"], {
          name: { en: "Law & Order <Centre>", ru: "Право и закон", uz: "Huquq", ky: "Укук", kk: "Құқық" },
          address: "Abay Ave. 1 <rear entrance>",
        }),
      ],
    });
    const [message] = renderReferral(odd.forCategory("legal", undefined), context("en"));
    expect(message).toContain("<b>Law &amp; Order &lt;Centre&gt;</b>");
    expect(message).toContain("📍 Abay Ave. 1 &lt;rear entrance&gt;");
    expectValidTelegramHtml(message!);
  });

  it("splits a long list between entries, every message under the limit and every entry exactly once", () => {
    const long = "Долгое описание службы, которое занимает почти всю строку и ещё немного сверху для проверки.";
    const entries = Array.from({ length: 80 }, (_, i) =>
      fixtureEntry(`health_${i + 1}`, i % 2 === 0 ? "almaty" : "national", ["health"], {
        description: { en: long, ru: long, uz: "Uzun tavsif.", ky: long, kk: long },
        address: long,
        hours: long,
      }),
    );
    const big = parseDirectory({ version: 1, entries });
    const messages = renderReferral(big.forCategory("health", "almaty"), context("ru"));
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(visibleLength(message)).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      expectValidTelegramHtml(message);
    }
    const all = messages.join("\n\n");
    for (const entry of entries) {
      expect(all.split(`<b>${entry.name.ru}</b>`).length - 1, entry.id).toBe(1);
    }
    expect(messages[0]).toMatch(/^<b>🏥[^<]*<\/b>\nГород: Алматы\n\n<b>Служба \d+<\/b>/);
  });

  it("never starts a new message when the next block still fits", () => {
    expect(packMessages(["a".repeat(10), "b".repeat(10), "c".repeat(10)], 22)).toEqual([`${"a".repeat(10)}\n\n${"b".repeat(10)}`, "c".repeat(10)]);
    expect(packMessages(["x".repeat(30)], 22)).toEqual(["x".repeat(30)]);
  });

  it("counts the length as Telegram does, without tags and with entities as one character", () => {
    expect(visibleLength("<b>A &amp; B</b>")).toBe(5);
  });
});

describe("venues", () => {
  it("gives sendVenue parameters for an entry with coordinates, in the person's language", () => {
    const withPin = parseDirectory({
      version: 1,
      entries: [
        fixtureEntry("pinned_1", "almaty", ["legal"], {
          coordinates: { lat: 43.238, lon: 76.945 },
          address: { en: "1 Abay Ave.", ru: "пр. Абая, 1", uz: "Abay shohkoʻchasi, 1", ky: "Абай проспекти, 1", kk: "Абай даңғылы, 1" },
        }),
      ],
    });
    const [entry] = withPin.entries;
    expect(venueFor(entry!, "ru")).toEqual({ latitude: 43.238, longitude: 76.945, title: entry!.name.ru, address: "пр. Абая, 1" });
    expect(venueFor(entry!, "uz-Cyrl")?.address).toBe("Абай шоҳкўчаси, 1");
  });

  it("gives none for an entry whose coordinates are not known", () => {
    for (const entry of shipped.entries.filter((e) => !e.coordinates)) expect(venueFor(entry, "en")).toBeUndefined();
  });
});
