/**
 * The three steps of a review: export a language's texts to a workbook, import the reviewer's
 * answers (corrections checked, sign-offs recorded), and report where each language stands.
 *
 * Everything works on a locales folder and a review-state file given by the caller, so tests run
 * it on a copy and the command on the repository's own `src/locales`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LANGUAGES, loadResources, type Resources } from "../../src/locales/i18n.ts";
import {
  SOURCE_LANGUAGE,
  TRANSLATED_LANGUAGES,
  isRespondentCritical,
  keyStatuses,
  languageReadiness,
  readReviewState,
  reviewUnits,
  textHash,
  writeReviewState,
  type TranslatedLanguage,
} from "../../src/locales/review-state.ts";
import { placeOf } from "./places.ts";
import { correctionProblems } from "./validate.ts";
import { readReviewWorkbook, writeReviewWorkbook, type WorkbookRow } from "./workbook.ts";

export interface Paths {
  localesDir: string;
  stateFile: string;
}

export function isTranslatedLanguage(lang: string): lang is TranslatedLanguage {
  return (TRANSLATED_LANGUAGES as readonly string[]).includes(lang);
}

/** The plural suffixes a language needs for a plural key (CLDR): ru one/few/many/other, others one/other. */
function pluralSuffixes(lang: string): string[] {
  return new Intl.PluralRules(lang).resolvedOptions().pluralCategories.map((c) => `_${c}`);
}

/** The English variant a translated variant is read against: the same form, else `_other`. */
function englishVariant(english: ReadonlyMap<string, string>, suffix: string): string {
  return english.get(suffix) ?? english.get("_other") ?? english.get("") ?? "";
}

/** The variant suffixes a language must have for a key ("" for a key without plurals). */
function variantsNeeded(english: ReadonlyMap<string, string>, lang: string): string[] {
  return english.has("") ? [""] : pluralSuffixes(lang);
}

/** Writes the reviewer's workbook for `lang`: every key of the English source, one row per form. */
export async function exportWorkbook(paths: Paths, lang: TranslatedLanguage, file: string): Promise<number> {
  const resources = loadResources(paths.localesDir);
  const state = readReviewState(paths.stateFile);
  const english = reviewUnits(resources, SOURCE_LANGUAGE);
  const translated = reviewUnits(resources, lang);
  const rows: WorkbookRow[] = [];
  for (const { key, status, signOff } of keyStatuses(resources, state, lang)) {
    const source = english.get(key)!;
    const place = placeOf(key);
    for (const suffix of variantsNeeded(source, lang)) {
      rows.push({
        key: key + suffix,
        english: englishVariant(source, suffix),
        current: translated.get(key)?.get(suffix) ?? "",
        where: place.where,
        limit: String(place.limit),
        status,
        signedOff: signOff ? `${signOff.by}, ${signOff.at}` : "",
        approve: "",
        correction: "",
        comment: "",
        hash: textHash(source),
      });
    }
  }
  await writeReviewWorkbook(file, lang, rows);
  return rows.length;
}

export interface Rejection {
  row: number;
  key: string;
  reasons: string[];
}

export interface ImportResult {
  lang: TranslatedLanguage;
  reviewer: string;
  /** Rows whose text was replaced by the reviewer's correction. */
  corrected: Array<{ row: number; key: string }>;
  /** Rows approved as they are. */
  approved: Array<{ row: number; key: string }>;
  rejected: Rejection[];
  /** Logical keys signed off by this import. */
  signedOff: string[];
  comments: Array<{ row: number; key: string; comment: string }>;
}

/** Splits `ns:path_suffix` into its logical key and plural suffix, given the English units. */
function splitRowKey(rowKey: string, english: ReadonlyMap<string, ReadonlyMap<string, string>>): { key: string; suffix: string } | undefined {
  if (english.has(rowKey) && english.get(rowKey)!.has("")) return { key: rowKey, suffix: "" };
  const match = /^(.*)(_(?:zero|one|two|few|many|other))$/.exec(rowKey);
  if (match && english.has(match[1]!) && !english.get(match[1]!)!.has("")) return { key: match[1]!, suffix: match[2]! };
  return undefined;
}

function setText(tree: Record<string, unknown>, path: string, text: string): void {
  const parts = path.split(".");
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!node[part] || typeof node[part] !== "object") node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = text;
}

/**
 * Reads a reviewer's workbook back. Each correction is checked (placeholders, script, length,
 * plural forms); accepted ones replace the text in `<lang>/<ns>.json`. A key is signed off when
 * every form of it in the workbook was approved or corrected and none was rejected.
 */
export async function importWorkbook(paths: Paths, file: string, options: { reviewer?: string; today?: string } = {}): Promise<ImportResult> {
  const book = await readReviewWorkbook(file);
  if (!isTranslatedLanguage(book.lang)) throw new Error(`the workbook is for “${book.lang}”, which is not a translated language (${TRANSLATED_LANGUAGES.join(", ")})`);
  const lang = book.lang;
  const reviewer = options.reviewer ?? book.reviewer;
  if (!reviewer) throw new Error("no reviewer's name: write it on the workbook's About sheet, or pass --by NAME");
  const resources = loadResources(paths.localesDir);
  const english = reviewUnits(resources, SOURCE_LANGUAGE);
  const current = reviewUnits(resources, lang);
  const result: ImportResult = { lang, reviewer, corrected: [], approved: [], rejected: [], signedOff: [], comments: [] };

  // Every answered row, grouped by logical key, so the forms of a plural key are judged together.
  const answered = new Map<string, Array<{ row: number; rowKey: string; suffix: string; correction: string }>>();
  for (const { row, cells } of book.rows) {
    const rowKey = cells.key.trim();
    const correction = cells.correction.trim();
    const approve = cells.approve.trim() !== "";
    if (cells.comment.trim()) result.comments.push({ row, key: rowKey, comment: cells.comment.trim() });
    if (!approve && !correction) continue;
    const split = splitRowKey(rowKey, english);
    if (!split) {
      result.rejected.push({ row, key: rowKey, reasons: ["no such key in the English source (was it renamed or removed?)"] });
      continue;
    }
    if (cells.hash.trim() !== textHash(english.get(split.key))) {
      result.rejected.push({ row, key: rowKey, reasons: ["the English text changed after this workbook was exported: export a new one and review this text again"] });
      continue;
    }
    const problems = correction ? correctionProblems({ key: split.key, lang, correction, english: englishVariant(english.get(split.key)!, split.suffix) }) : [];
    if (problems.length) {
      result.rejected.push({ row, key: rowKey, reasons: problems });
      continue;
    }
    if (!answered.has(split.key)) answered.set(split.key, []);
    answered.get(split.key)!.push({ row, rowKey, suffix: split.suffix, correction });
  }

  const files = new Map<string, Record<string, unknown>>();
  const fileOf = (ns: string) => {
    if (!files.has(ns)) files.set(ns, JSON.parse(readFileSync(join(paths.localesDir, lang, `${ns}.json`), "utf8")) as Record<string, unknown>);
    return files.get(ns)!;
  };
  const state = readReviewState(paths.stateFile);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  for (const [key, rows] of answered) {
    const needed = variantsNeeded(english.get(key)!, lang);
    const after = new Map(current.get(key) ?? []);
    for (const r of rows) if (r.correction) after.set(r.suffix, r.correction);
    const missingForms = needed.filter((suffix) => !(after.get(suffix) ?? "").trim());
    if (missingForms.length) {
      for (const r of rows) result.rejected.push({ row: r.row, key: r.rowKey, reasons: [`plural forms incomplete: ${missingForms.join(", ")} has no text (fill every form: ${needed.join(", ")})`] });
      continue;
    }
    const [ns, path] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    for (const r of rows) {
      if (r.correction) {
        setText(fileOf(ns), path + r.suffix, r.correction);
        result.corrected.push({ row: r.row, key: r.rowKey });
      } else {
        result.approved.push({ row: r.row, key: r.rowKey });
      }
    }
    // Signed off only when the reviewer answered every form of the key.
    const answeredForms = new Set(rows.map((r) => r.suffix));
    if (needed.every((suffix) => answeredForms.has(suffix))) {
      state.languages[lang][key] = { by: reviewer, at: today, source: textHash(english.get(key)), text: textHash(new Map(needed.map((s) => [s, after.get(s)!]))) };
      result.signedOff.push(key);
    }
  }
  for (const [ns, tree] of files) writeFileSync(join(paths.localesDir, lang, `${ns}.json`), `${JSON.stringify(tree, null, 2)}\n`);
  writeReviewState(state, paths.stateFile);
  result.rejected.sort((a, b) => a.row - b.row);
  return result;
}

export interface LanguageStatus {
  lang: string;
  reviewed: number;
  stale: number;
  unreviewed: number;
  /** Of the questionnaire and consent texts, which decide whether respondents are offered the language. */
  critical: { reviewed: number; stale: number; unreviewed: number };
  readyForRespondents: boolean;
}

export function statusReport(paths: Paths, resources: Resources = loadResources(paths.localesDir)): LanguageStatus[] {
  const state = readReviewState(paths.stateFile);
  const readiness = languageReadiness(resources, state, LANGUAGES);
  return TRANSLATED_LANGUAGES.map((lang) => {
    const all = keyStatuses(resources, state, lang);
    const count = (list: typeof all, status: string) => list.filter((k) => k.status === status).length;
    const critical = all.filter((k) => isRespondentCritical(k.key));
    return {
      lang,
      reviewed: count(all, "reviewed"),
      stale: count(all, "stale"),
      unreviewed: count(all, "unreviewed"),
      critical: { reviewed: count(critical, "reviewed"), stale: count(critical, "stale"), unreviewed: count(critical, "unreviewed") },
      readyForRespondents: readiness.find((r) => r.lang === lang)!.ready,
    };
  });
}

export function formatStatus(statuses: readonly LanguageStatus[]): string {
  const lines = [
    "Translations against the English source (en). Questionnaire and consent texts decide whether a language is offered in production.",
    "",
    "lang  reviewed  stale  unreviewed   questionnaire+consent (reviewed/stale/unreviewed)   in production",
  ];
  for (const s of statuses) {
    const critical = `${s.critical.reviewed}/${s.critical.stale}/${s.critical.unreviewed}`;
    const production = s.readyForRespondents ? "offered" : "held back unless ALLOW_UNREVIEWED_LANGUAGES";
    lines.push(`${s.lang.padEnd(6)}${String(s.reviewed).padStart(8)}${String(s.stale).padStart(7)}${String(s.unreviewed).padStart(12)}   ${critical.padEnd(50)}${production}`);
  }
  lines.push("", "uz-Cyrl follows uz (it is generated from it). en is the source: always offered.");
  return lines.join("\n");
}
