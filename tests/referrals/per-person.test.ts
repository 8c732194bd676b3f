/**
 * The shipped directory as each respondent meets it: every study city crossed with every
 * citizenship the questionnaire offers. What the bot offers must have something behind it, the
 * consulate must be the person's own, and links open in the person's language where they can.
 */
import { describe, expect, it } from "vitest";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { NeedTag } from "../../src/flows/schema.ts";
import { SOURCE_LANGUAGES, type Language } from "../../src/locales/i18n.ts";
import { coverageProblems, missingLocally } from "../../src/referrals/coverage.ts";
import { daysSince, loadDirectory, NEED_CATEGORY, parseDirectory } from "../../src/referrals/directory.ts";
import { renderReferral, websiteIn } from "../../src/referrals/render.ts";
import { SERVICE_CITIES, type Entry } from "../../src/referrals/schema.ts";
import { fixtureEntry, shippedFile, strictTranslate } from "./fixtures.ts";

const directory = loadDirectory();
const citizenshipQuestion = labourMigrantsKz.questions.find((q) => q.id === labourMigrantsKz.citizenshipQuestion);
const citizenships = (citizenshipQuestion && "options" in citizenshipQuestion ? (citizenshipQuestion.options ?? []) : []).map((o) => o.code);
const ids = (entries: readonly Entry[]) => entries.map((entry) => entry.id);
const people = SERVICE_CITIES.flatMap((city) => [undefined, ...citizenships].map((citizenship) => ({ city, citizenship })));

describe("what the shipped directory offers each person", () => {
  it("knows the questionnaire's citizenship question and its answers", () => {
    expect(labourMigrantsKz.citizenshipQuestion).toBe("a_citizenship");
    expect(citizenships).toEqual(expect.arrayContaining(["uzbekistan", "kyrgyzstan", "tajikistan", "russia"]));
  });

  it("offers in each city only categories with an entry there or nationally (or, said so, the nearest office)", () => {
    let offered = 0;
    for (const { city, citizenship } of people) {
      for (const category of directory.categoriesAvailable(city, citizenship)) {
        const referral = directory.forCategory(category, city, citizenship);
        const entries = referral.sections.flatMap((section) => section.entries);
        expect(entries.length, `${city} ${citizenship} ${category}`).toBeGreaterThan(0);
        const elsewhere = entries.filter((entry) => entry.city !== city && entry.city !== "national");
        // An office in another city is shown only with the notice that says so (IOM, a consulate).
        if (elsewhere.length > 0) expect(referral.notice, `${city} ${citizenship} ${category}`).toMatch(/^(national_only|elsewhere)$/);
        offered++;
      }
    }
    expect(offered).toBeGreaterThan(people.length * 4);
  });

  it("makes an offer after an answer only when the city or the country has that kind of service", () => {
    for (const { city, citizenship } of people) {
      for (const need of NeedTag.options) {
        const kind = directory.forCategory(NEED_CATEGORY[need], city, citizenship).sections.flatMap((s) => s.entries);
        expect(directory.canHelpWith(need, city, citizenship), `${city} ${need}`).toBe(kind.length > 0);
        if (kind.length > 0) for (const entry of kind) expect([city, "national"], `${city} ${need}`).toContain(entry.city);
      }
    }
    // Shelter: Shymkent has Sana Sezim; Almaty and Astana have nothing, so no housing offer there.
    expect(directory.canHelpWith("housing", "shymkent")).toBe(true);
    expect(directory.canHelpWith("housing", "almaty")).toBe(false);
    expect(directory.canHelpWith("housing", "astana")).toBe(false);
    // With nothing at all for shelter and no IOM, the housing offer is not made.
    const bare = parseDirectory({ version: 1, entries: [fixtureEntry("national_emergency", "national", ["emergency"])] });
    expect(bare.canHelpWith("housing", "shymkent")).toBe(false);
    expect(bare.categoriesAvailable("shymkent", "uzbekistan")).toEqual(["emergency"]);
  });

  it("covers every city and kind of help, or writes the gap down", () => {
    expect(coverageProblems(directory)).toEqual([]);
    const file = shippedFile() as { version: unknown; entries: unknown[]; gaps: { city: string; category: string }[] };
    file.gaps = file.gaps.filter((gap) => !(gap.city === "astana" && gap.category === "shelter"));
    expect(coverageProblems(parseDirectory(file)).map((p) => p.path)).toEqual(["(coverage) astana, shelter"]);
  });

  it("has Shymkent services of its own now, and says which kinds each city still lacks", () => {
    expect(directory.entries.some((entry) => entry.city === "shymkent")).toBe(true);
    const missing = missingLocally(directory).map(({ city, category }) => `${city}/${category}`);
    expect(missing).toContain("astana/shelter");
    expect(missing).not.toContain("shymkent/shelter");
    expect(missing).not.toContain("almaty/consulate");
  });
});

describe("a citizenship answer selects the matching consulate", () => {
  it("gives an Uzbek citizen in Almaty Uzbekistan's consulate general there, and only that", () => {
    const shown = directory.forCategory("consulate", "almaty", "uzbekistan");
    expect(ids(shown.sections[0]!.entries)).toEqual(["consulate_uzbekistan_almaty"]);
    expect(shown.sections[0]!.entries[0]!.phones.map((p) => p.number)).toEqual(["+77273902616"]);
    expect(shown.notice).toBeUndefined();
  });

  it.each(["astana", "shymkent"] as const)("gives an Uzbek citizen in %s the embassy in Astana", (city) => {
    const shown = directory.forCategory("consulate", city, "uzbekistan");
    expect(ids(shown.sections[0]!.entries)).toEqual(["consulate_uzbekistan_embassy"]);
  });

  it("gives Tajik and Kyrgyz citizens their own country's office, and says when it is in another city", () => {
    expect(ids(directory.consulatesFor("almaty", "tajikistan"))).toEqual(["consulate_tajikistan_almaty"]);
    expect(ids(directory.consulatesFor("almaty", "kyrgyzstan"))).toEqual(["consulate_kyrgyzstan_almaty"]);
    const fromAstana = directory.forCategory("consulate", "astana", "tajikistan");
    expect(ids(fromAstana.sections[0]!.entries)).toEqual(["consulate_tajikistan_almaty"]);
    expect(fromAstana.notice).toBe("elsewhere");
    // Said in the person's language, under the heading, before the Almaty office.
    const t = strictTranslate("ru");
    const text = renderReferral(fromAstana, { t, lang: "ru" }).join("\n");
    expect(text).toContain(`<i>${t("referrals:notice.elsewhere", { city: t("referrals:city.astana") })}</i>`);
    expect(text).toMatch(/В городе Астана такого нет\. Этот — в другом городе:[\s\S]*Генеральное консульство Таджикистана в Алматы/);
  });

  it("never shows another country's consulate, and offers none when there is none of one's own", () => {
    for (const { city, citizenship } of people) {
      for (const entry of directory.consulatesFor(city, citizenship)) expect(entry.countries, `${city} ${citizenship}`).toContain(citizenship);
    }
    expect(directory.categoriesAvailable("almaty", "russia")).not.toContain("consulate");
    expect(directory.categoriesAvailable("almaty", undefined)).not.toContain("consulate");
    expect(directory.categoriesAvailable("almaty", "uzbekistan")).toContain("consulate");
  });

  it("adds the person's consulate to the documents offer, which issues passports", () => {
    const referral = directory.forNeed("documents", "almaty", "uzbekistan");
    expect(referral.sections.map((s) => s.category)).toEqual([NEED_CATEGORY.documents, "consulate"]);
    expect(directory.forNeed("documents", "almaty", "russia").sections.map((s) => s.category)).toEqual(["documents"]);
  });
});

describe("links in the person's language", () => {
  const iin = directory.entries.find((entry) => entry.id === "national_iin_egov")!;

  it.each([
    ["kk", "https://egov.kz/cms/kk/articles/iin_info"],
    ["ru", "https://egov.kz/cms/ru/articles/iin_info"],
    ["en", "https://egov.kz/cms/en/articles/iin_info"],
    // No Uzbek or Kyrgyz page: the Russian one, which more of them read than the English.
    ["uz", "https://egov.kz/cms/ru/articles/iin_info"],
    ["uz-Cyrl", "https://egov.kz/cms/ru/articles/iin_info"],
    ["ky", "https://egov.kz/cms/ru/articles/iin_info"],
  ] as const)("opens the eGov IIN page for %s at %s", (lang, url) => {
    expect(websiteIn(iin.website!, lang)).toBe(url);
    const messages = renderReferral(directory.forCategory("documents", "almaty"), { t: strictTranslate(lang), lang });
    expect(messages.join("\n")).toContain(`🌐 ${url}`);
  });

  it("keeps every per-language page on the same site as its default", () => {
    for (const entry of directory.entries) {
      if (!entry.website || typeof entry.website === "string") continue;
      const host = new URL(entry.website.default).host;
      for (const lang of SOURCE_LANGUAGES) {
        const page = entry.website[lang as Exclude<Language, "uz-Cyrl">];
        if (page) expect(new URL(page).host, `${entry.id} ${lang}`).toBe(host);
      }
    }
  });
});

describe("entries due for a re-check", () => {
  it("lists entries checked more than 180 days ago, the oldest first", () => {
    const file = shippedFile();
    file.entries[0]!.checked = "2026-01-01";
    file.entries[1]!.checked = "2026-06-02";
    file.entries[2]!.checked = "2026-06-03";
    const dated = parseDirectory(file);
    const today = new Date("2026-11-30T12:00:00Z");
    expect(daysSince("2026-06-03", today)).toBe(180);
    expect(ids(dated.notCheckedWithin(today))).toEqual([file.entries[0]!.id, file.entries[1]!.id]);
    expect(directory.notCheckedWithin(today)).toEqual([]);
  });

  it("ships every entry with a confidence, and a source that is not only a link", () => {
    for (const entry of directory.entries) {
      expect(entry.confidence, entry.id).toMatch(/^(high|medium|low)$/);
      expect(entry.source.title.length, entry.id).toBeGreaterThan(20);
    }
  });
});

describe("the README's Known limits", () => {
  it("names every kind of help a study city has nothing for, under that city", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const limits = readme.slice(readme.indexOf("## Known limits"));
    const words: Record<string, string> = { shelter: "shelter", legal: "legal aid", health: "health", documents: "documents", protection: "protection", iom: "IOM", consulate: "consulate", emergency: "emergency" };
    const uncovered = missingLocally(directory).filter(({ city, category }) => directory.gaps.some((g) => g.city === city && g.category === category));
    expect(uncovered.length).toBeGreaterThan(0);
    for (const { city, category } of uncovered) {
      const name = city.charAt(0).toUpperCase() + city.slice(1);
      const line = limits.split("\n  - ").find((item) => item.startsWith(`${name}:`));
      expect(line, city).toBeDefined();
      expect(line!.replace(/\s+/g, " "), `${city} ${category}`).toContain(`**${words[category]}: nothing**`);
    }
  });
});
