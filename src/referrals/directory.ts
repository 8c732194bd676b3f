/**
 * The referral directory: loading it (all or nothing) and choosing which services to show.
 *
 * Routing is pure: given a city and a kind of help it returns entries, the city's own first and
 * then the national ones. A city the person never gave, or one outside the three study cities,
 * gets national contacts only (questionnaire outline §7.3). Nothing here sends a message.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { NeedTag } from "../flows/schema.ts";
import { CATEGORIES, PER_CITIZENSHIP_CATEGORY, SERVICE_CITIES, type Category, type Entry, type Gap, type ServiceCity } from "./schema.ts";
import { validateDirectory, type Problem } from "./validate.ts";

export const DEFAULT_DIRECTORY_FILE = fileURLToPath(new URL("./data/directory.json", import.meta.url));

/** A directory file that cannot be used, with every problem in it, so one fix-and-retry suffices. */
export class DirectoryError extends Error {
  override readonly name = "DirectoryError";
  readonly file: string;
  readonly problems: readonly Problem[];
  constructor(file: string, problems: readonly Problem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`The referral directory ${file} has ${count}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`);
    this.file = file;
    this.problems = problems;
  }
}

/** Reads and checks a directory file; throws a DirectoryError listing every problem. */
export function loadDirectory(path: string = DEFAULT_DIRECTORY_FILE): Directory {
  if (/\.xlsx$/i.test(path)) {
    throw new DirectoryError(path, [{ path: "(file)", message: "a spreadsheet is read asynchronously: load it with loadDirectoryFile" }]);
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DirectoryError(path, [{ path: "(file)", message: `cannot read it (${reason}); point REFERRALS_FILE at an existing JSON or XLSX file` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DirectoryError(path, [{ path: "(file)", message: `not valid JSON (${reason}); fix the syntax` }]);
  }
  return parseDirectory(data, path);
}

/**
 * Reads a directory from JSON or from a spreadsheet (`.xlsx`, see workbook.ts). Problems in a
 * spreadsheet are reported by sheet, row and column.
 */
export async function loadDirectoryFile(path: string = DEFAULT_DIRECTORY_FILE): Promise<Directory> {
  if (!/\.xlsx$/i.test(path)) return loadDirectory(path);
  const { readDirectoryWorkbook, locateProblem } = await import("./workbook.ts");
  let read: Awaited<ReturnType<typeof readDirectoryWorkbook>>;
  try {
    read = await readDirectoryWorkbook(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DirectoryError(path, [{ path: "(file)", message: `cannot read it as a spreadsheet (${reason}); save it as .xlsx` }]);
  }
  const result = validateDirectory(read.data);
  const problems = [...read.problems, ...(result.ok ? [] : result.problems.map((problem) => locateProblem(problem, read.origin)))];
  if (problems.length > 0 || !result.ok) throw new DirectoryError(path, problems);
  return new Directory(result.file.entries, result.file.gaps ?? []);
}

/** Checks already-parsed data (for tests and for files read some other way). */
export function parseDirectory(data: unknown, file = "(in memory)"): Directory {
  const result = validateDirectory(data);
  if (!result.ok) throw new DirectoryError(file, result.problems);
  return new Directory(result.file.entries, result.file.gaps ?? []);
}

/** Entries not checked for more than this many days are listed for staff to re-check. */
export const STALE_AFTER_DAYS = 180;

/** Days from an ISO date (YYYY-MM-DD) to `today`, counted in UTC calendar days. */
export function daysSince(isoDate: string, today: Date): number {
  const checked = Date.parse(`${isoDate}T00:00:00Z`);
  const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.floor((day - checked) / 86_400_000);
}

/** Which kind of service answers each need tag of the questionnaire. Typed so a new tag cannot go unmapped. */
export const NEED_CATEGORY: Readonly<Record<NeedTag, Category>> = {
  health: "health",
  housing: "shelter",
  documents: "documents",
  protection: "protection",
  legal: "legal",
  emergency: "emergency",
};

/** The study city a respondent gave, or undefined for none, `other_kz` or anything unexpected. */
export function serviceCityOf(city: string | undefined): ServiceCity | undefined {
  return SERVICE_CITIES.find((known) => known === city);
}

export interface Section {
  category: Category;
  entries: readonly Entry[];
}

/**
 * What to show for one request. `notice` explains a substitution the person should know about:
 * `national_only` when their city has nothing of its own in the section, `iom_instead` when
 * there is nothing of the kind at all and the IOM offices are offered as the general contact,
 * `elsewhere` when their country's only offices are in another city.
 */
export interface Referral {
  city: ServiceCity | undefined;
  sections: readonly Section[];
  notice?: "national_only" | "iom_instead" | "elsewhere";
}

export class Directory {
  readonly entries: readonly Entry[];
  /** Kinds of help a city is known to lack, as the maintainers wrote them down. */
  readonly gaps: readonly Gap[];

  constructor(entries: readonly Entry[], gaps: readonly Gap[] = []) {
    this.entries = entries;
    this.gaps = gaps;
  }

  /**
   * Entries of a category for a city: the city's own first, then national ones. IOM is the
   * general contact (§7.3), so when neither the city nor the country has an IOM entry, every
   * IOM office is shown rather than none. Consulates depend on the person's citizenship: see
   * `consulatesFor`.
   */
  forCity(city: string | undefined, category: Category, citizenship?: string): Entry[] {
    if (category === PER_CITIZENSHIP_CATEGORY) return this.consulatesFor(city, citizenship);
    const own = serviceCityOf(city);
    const inCategory = this.entries.filter((entry) => entry.categories.includes(category));
    const local = own ? inCategory.filter((entry) => entry.city === own) : [];
    const national = inCategory.filter((entry) => entry.city === "national");
    if (category === "iom" && local.length === 0 && national.length === 0) return inCategory;
    return [...local, ...national];
  }

  /**
   * The person's own country's offices: the consulate in their city when there is one, else the
   * embassy (written as national, since it serves the whole country), else that country's
   * offices in other cities. Nobody is shown another country's consulate.
   */
  consulatesFor(city: string | undefined, citizenship: string | undefined): Entry[] {
    if (!citizenship) return [];
    const own = serviceCityOf(city);
    const ofCountry = this.entries.filter(
      (entry) => entry.categories.includes(PER_CITIZENSHIP_CATEGORY) && (entry.countries ?? []).includes(citizenship),
    );
    const local = own ? ofCountry.filter((entry) => entry.city === own) : [];
    if (local.length > 0) return local;
    const national = ofCountry.filter((entry) => entry.city === "national");
    return national.length > 0 ? national : ofCountry;
  }

  /**
   * Services for a need signalled by an answer; falls back to IOM when there is none of the kind.
   * Someone who needs documents also gets their own consulate, which issues passports.
   */
  forNeed(need: NeedTag, city: string | undefined, citizenship?: string): Referral {
    const referral = this.forCategory(NEED_CATEGORY[need], city, citizenship);
    if (NEED_CATEGORY[need] === "documents") {
      const consulates = this.consulatesFor(city, citizenship);
      if (consulates.length > 0) return { ...referral, sections: [...referral.sections, { category: PER_CITIZENSHIP_CATEGORY, entries: consulates }] };
    }
    if (referral.sections.length > 0) return referral;
    const iom = this.forCity(referral.city, "iom");
    return iom.length > 0 ? { city: referral.city, sections: [{ category: "iom", entries: iom }], notice: "iom_instead" } : referral;
  }

  /**
   * "I need help now": emergency and protection contacts for the city and the country. An entry
   * in both categories appears once, under emergency.
   */
  urgentHelp(city: string | undefined): Referral {
    const own = serviceCityOf(city);
    const emergency = this.forCity(own, "emergency");
    const shown = new Set(emergency.map((entry) => entry.id));
    const protection = this.forCity(own, "protection").filter((entry) => !shown.has(entry.id));
    const sections: Section[] = [
      { category: "emergency", entries: emergency },
      { category: "protection", entries: protection },
    ];
    return { city: own, sections: sections.filter((section) => section.entries.length > 0) };
  }

  /**
   * One category, as the help menu or an offer shows it. When the person's city has nothing of
   * its own here, the notice says so. Emergency numbers are national by nature, so they never
   * carry that notice.
   */
  forCategory(category: Category, city: string | undefined, citizenship?: string): Referral {
    const own = serviceCityOf(city);
    const entries = this.forCity(own, category, citizenship);
    if (entries.length === 0) return { city: own, sections: [] };
    const hasLocal = entries.some((entry) => entry.city === own);
    const hasNational = entries.some((entry) => entry.city === "national");
    const notice = own && !hasLocal && category !== "emergency" ? { notice: hasNational ? ("national_only" as const) : ("elsewhere" as const) } : {};
    return { city: own, sections: [{ category, entries }], ...notice };
  }

  /** Categories that have at least one entry for this person (city or country), in menu order. */
  categoriesAvailable(city: string | undefined, citizenship?: string): Category[] {
    return CATEGORIES.filter((category) => this.forCity(city, category, citizenship).length > 0);
  }

  /**
   * Whether to offer help for this need: only when the person's city or the whole country has a
   * service of the kind. IOM as a stand-in does not count: "contacts for shelter?" answered with
   * "we have none" is an empty promise.
   */
  canHelpWith(need: NeedTag, city: string | undefined, citizenship?: string): boolean {
    return this.forCity(city, NEED_CATEGORY[need], citizenship).length > 0;
  }

  /** Entries last checked more than `days` days before `today`, the oldest first. */
  notCheckedWithin(today: Date, days = STALE_AFTER_DAYS): Entry[] {
    return this.entries.filter((entry) => daysSince(entry.checked, today) > days).sort((a, b) => a.checked.localeCompare(b.checked));
  }
}
