import { describe, expect, it } from "vitest";
import { NeedTag } from "../../src/flows/schema.ts";
import { loadDirectory, NEED_CATEGORY, parseDirectory } from "../../src/referrals/directory.ts";
import { CATEGORIES } from "../../src/referrals/schema.ts";
import { fixtureEntry } from "./fixtures.ts";

/**
 * A small directory with something in each city, so ordering and fallbacks are visible:
 * Almaty has its own clinic and shelter, Astana its own crisis centre, Shymkent only legal aid.
 */
const directory = parseDirectory({
  version: 1,
  entries: [
    fixtureEntry("national_health", "national", ["health"]),
    fixtureEntry("almaty_clinic", "almaty", ["health"]),
    fixtureEntry("almaty_shelter", "almaty", ["shelter"]),
    fixtureEntry("astana_crisis_centre", "astana", ["protection", "shelter"]),
    fixtureEntry("shymkent_legal_aid", "shymkent", ["legal"]),
    fixtureEntry("national_emergency", "national", ["emergency"]),
    fixtureEntry("national_police", "national", ["emergency", "protection"]),
    fixtureEntry("national_hotline", "national", ["protection"]),
    fixtureEntry("iom_almaty", "almaty", ["iom"]),
    fixtureEntry("iom_astana", "astana", ["iom"]),
  ],
});

const ids = (entries: readonly { id: string }[]) => entries.map((entry) => entry.id);

describe("routing by city and category", () => {
  it("puts the city's own services first, then the national ones", () => {
    expect(ids(directory.forCity("almaty", "health"))).toEqual(["almaty_clinic", "national_health"]);
  });

  it("never shows another city's services", () => {
    expect(ids(directory.forCity("astana", "health"))).toEqual(["national_health"]);
    expect(ids(directory.forCity("shymkent", "shelter"))).toEqual([]);
    expect(ids(directory.forCity("astana", "legal"))).toEqual([]);
  });

  it.each([[undefined], ["other_kz"], ["karaganda"], [""]])("gives a city of %j the national services only", (city) => {
    expect(ids(directory.forCity(city, "health"))).toEqual(["national_health"]);
    expect(ids(directory.forCity(city, "protection"))).toEqual(["national_police", "national_hotline"]);
    expect(ids(directory.forCity(city, "shelter"))).toEqual([]);
  });

  it("shows every IOM office to someone whose city has none, as the general contact", () => {
    expect(ids(directory.forCity("almaty", "iom"))).toEqual(["iom_almaty"]);
    expect(ids(directory.forCity("shymkent", "iom"))).toEqual(["iom_almaty", "iom_astana"]);
    expect(ids(directory.forCity(undefined, "iom"))).toEqual(["iom_almaty", "iom_astana"]);
  });

  it("lists the categories a city has something for, in menu order", () => {
    expect(directory.categoriesAvailable("almaty")).toEqual(["emergency", "protection", "health", "shelter", "iom"]);
    expect(directory.categoriesAvailable("shymkent")).toEqual(["emergency", "protection", "health", "legal", "iom"]);
    expect(directory.categoriesAvailable(undefined)).toEqual(["emergency", "protection", "health", "iom"]);
  });
});

describe("routing by need tag", () => {
  it("maps every need tag of the questionnaire to a category", () => {
    for (const need of NeedTag.options) expect(CATEGORIES).toContain(NEED_CATEGORY[need]);
    expect(NEED_CATEGORY.housing).toBe("shelter");
  });

  it("sends housing to shelter and housing services of the city", () => {
    const referral = directory.forNeed("housing", "almaty");
    expect(referral.sections.map((s) => s.category)).toEqual(["shelter"]);
    expect(ids(referral.sections[0]!.entries)).toEqual(["almaty_shelter"]);
    expect(referral.notice).toBeUndefined();
  });

  it("says so when the city has nothing of its own and national services stand in", () => {
    const referral = directory.forNeed("health", "shymkent");
    expect(ids(referral.sections[0]!.entries)).toEqual(["national_health"]);
    expect(referral.notice).toBe("national_only");
  });

  it("gives no such notice to someone who never gave a city", () => {
    const referral = directory.forNeed("health", undefined);
    expect(ids(referral.sections[0]!.entries)).toEqual(["national_health"]);
    expect(referral.notice).toBeUndefined();
    expect(referral.city).toBeUndefined();
  });

  it("offers IOM when there is no service of the kind at all", () => {
    expect(directory.forNeed("documents", "astana")).toMatchObject({ notice: "iom_instead", sections: [{ category: "iom" }] });
    expect(ids(directory.forNeed("documents", "astana").sections[0]!.entries)).toEqual(["iom_astana"]);
    expect(ids(directory.forNeed("legal", "almaty").sections[0]!.entries)).toEqual(["iom_almaty"]);
    expect(ids(directory.forNeed("legal", "shymkent").sections[0]!.entries)).toEqual(["shymkent_legal_aid"]);
  });

  it("offers nothing when there is neither the service nor an IOM office", () => {
    const bare = parseDirectory({ version: 1, entries: [fixtureEntry("national_emergency", "national", ["emergency"])] });
    expect(bare.forNeed("housing", "almaty").sections).toEqual([]);
    expect(bare.canHelpWith("housing", "almaty")).toBe(false);
    expect(bare.canHelpWith("emergency", "almaty")).toBe(true);
  });
});

describe("I need help now", () => {
  it("gives emergency then protection contacts of the city and the country, each once", () => {
    const referral = directory.urgentHelp("astana");
    expect(referral.sections.map((s) => [s.category, ids(s.entries)])).toEqual([
      ["emergency", ["national_emergency", "national_police"]],
      ["protection", ["astana_crisis_centre", "national_hotline"]],
    ]);
  });

  it("falls back to national contacts for an unknown city", () => {
    const referral = directory.urgentHelp("other_kz");
    expect(referral.city).toBeUndefined();
    expect(referral.sections.flatMap((s) => ids(s.entries))).toEqual(["national_emergency", "national_police", "national_hotline"]);
  });

  it("with the shipped directory, always includes the national emergency numbers", () => {
    const shipped = loadDirectory();
    for (const city of ["almaty", "astana", "shymkent", undefined]) {
      const numbers = shipped.urgentHelp(city).sections.flatMap((s) => s.entries.flatMap((e) => e.phones.map((p) => p.number)));
      expect(numbers, String(city)).toEqual(expect.arrayContaining(["112", "101", "102", "103"]));
    }
    expect(shipped.forNeed("health", "almaty").sections[0]!.entries.flatMap((e) => e.phones.map((p) => p.number))).toContain("103");
  });
});
