/**
 * Checks a referral directory and lists every problem, each as `<json path>: <what to write>`.
 *
 * Shape comes from the zod schema; meaning needs the whole file: ids that repeat, phone numbers
 * with nothing citable behind them, entries nobody could reach, and texts in the wrong script
 * (a Kazakh name in Latin letters is unreadable to many who read only Cyrillic).
 */
import type { z } from "zod";
import { DirectoryFile, ENTRY_LANGUAGES, PER_CITIZENSHIP_CATEGORY, type Entry, type EntryLanguage } from "./schema.ts";

export interface Problem {
  /** Where in the file, such as `entries[3].phones[0].number`; `(file)` for the whole file. */
  path: string;
  message: string;
}

export type Validation = { ok: true; file: DirectoryFile } | { ok: false; problems: Problem[] };

export function validateDirectory(data: unknown): Validation {
  const parsed = DirectoryFile.safeParse(data);
  if (!parsed.success) return { ok: false, problems: shapeProblems(parsed.error.issues) };
  const problems = meaningProblems(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, file: parsed.data };
}

/** `["entries", 3, "phones", 0, "number"]` → `entries[3].phones[0].number`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(file)" : out;
}

type Issue = z.core.$ZodIssue;

/**
 * zod issues → problems. A failed union (an address given as text *or* per language) reports
 * the branch the operator evidently meant, the one whose type matched, instead of "invalid input".
 */
export function shapeProblems(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union") {
      const meant = issue.errors.filter((branch) => !isTypeMismatchAtRoot(branch));
      if (meant.length === 1) {
        problems.push(...shapeProblems(meant[0]!, path));
        continue;
      }
    }
    problems.push({ path: formatPath(path), message: issue.message });
  }
  return problems;
}

function isTypeMismatchAtRoot(branch: readonly Issue[]): boolean {
  return branch.length === 1 && branch[0]!.code === "invalid_type" && branch[0]!.path.length === 0;
}

export function meaningProblems(file: DirectoryFile): Problem[] {
  return [...duplicateIds(file.entries), ...file.entries.flatMap((entry, i) => entryProblems(entry, `entries[${i}]`))];
}

function duplicateIds(entries: readonly Entry[]): Problem[] {
  const firstIndex = new Map<string, number>();
  const problems: Problem[] = [];
  entries.forEach((entry, i) => {
    const first = firstIndex.get(entry.id);
    if (first === undefined) firstIndex.set(entry.id, i);
    else
      problems.push({
        path: `entries[${i}].id`,
        message: `"${entry.id}" is already the id of entries[${first}]; give each entry an id of its own`,
      });
  });
  return problems;
}

function entryProblems(entry: Entry, at: string): Problem[] {
  const problems: Problem[] = [];
  const citable = Boolean(entry.source.url ?? entry.source.citation);
  if (entry.phones.length > 0 && !citable) {
    problems.push({
      path: `${at}.source`,
      message:
        "these phone numbers have no citable source: add source.url or source.citation where they are published, or remove the numbers (never ship a number you cannot cite)",
    });
  } else if (!citable) {
    problems.push({ path: `${at}.source`, message: "add source.url or source.citation so anyone can check these details" });
  }
  if (entry.phones.length === 0 && !entry.address && !entry.website && !entry.email) {
    problems.push({ path: at, message: "add at least one way to reach this service: phones, address, website or email" });
  }
  const perCitizenship = entry.categories.includes(PER_CITIZENSHIP_CATEGORY);
  if (perCitizenship && !entry.countries) {
    problems.push({ path: `${at}.countries`, message: `list the citizenships this ${PER_CITIZENSHIP_CATEGORY} serves, such as ["uzbekistan"]` });
  } else if (!perCitizenship && entry.countries) {
    problems.push({ path: `${at}.countries`, message: `only ${PER_CITIZENSHIP_CATEGORY} entries serve particular citizenships: remove countries or add the category` });
  }
  problems.push(...scriptProblems(entry.name, `${at}.name`));
  problems.push(...scriptProblems(entry.description, `${at}.description`));
  if (entry.address && typeof entry.address !== "string") problems.push(...scriptProblems(entry.address, `${at}.address`));
  if (entry.hours && typeof entry.hours !== "string") problems.push(...scriptProblems(entry.hours, `${at}.hours`));
  entry.phones.forEach((phone, p) => {
    if (phone.label) problems.push(...scriptProblems(phone.label, `${at}.phones[${p}].label`));
  });
  return problems;
}

const LATIN = /[A-Za-z]+/g;
const CYRILLIC = /[\u0400-\u04FF]+/g;
/** oʻ and gʻ written with an apostrophe or quote instead of U+02BB. */
const WRONG_UZBEK_MARK = /[OoGg]['‘’`]/g;
const CYRILLIC_LANGUAGES: readonly EntryLanguage[] = ["ru", "ky", "kk"];

/** Russian, Kyrgyz and Kazakh in Cyrillic; Uzbek in Latin with ʻ (U+02BB). English is not checked. */
function scriptProblems(text: Partial<Record<EntryLanguage, string>>, at: string): Problem[] {
  const problems: Problem[] = [];
  for (const lang of ENTRY_LANGUAGES) {
    const value = text[lang];
    if (value === undefined) continue;
    const latin = CYRILLIC_LANGUAGES.includes(lang) ? value.match(LATIN) : null;
    if (latin) {
      problems.push({ path: `${at}.${lang}`, message: `write it in Cyrillic letters only; found Latin "${latin.join(" ")}"` });
    }
    if (lang === "uz") {
      const cyrillic = value.match(CYRILLIC);
      if (cyrillic) problems.push({ path: `${at}.uz`, message: `write Uzbek in Latin letters; found Cyrillic "${cyrillic.join(" ")}"` });
      const marks = value.match(WRONG_UZBEK_MARK);
      if (marks) problems.push({ path: `${at}.uz`, message: `write oʻ and gʻ with ʻ (U+02BB); found ${marks.map((m) => `"${m}"`).join(", ")}` });
    }
  }
  return problems;
}
