/**
 * Whether a line a bot sent can be accounted for by one language's texts: its locale resources
 * (every namespace) and the referral directory's entries in that language.
 *
 * A line is accounted for when it has no letters at all (progress bars, numbers, phone numbers,
 * emoji), or when, apart from letter-free characters around it, it is one line of a resource or
 * a directory text. In a resource line `{{placeholder}}` may stand for any text, but what fills
 * it must itself be letter-free, a configured proper name, or text of the same language (a
 * comma-separated list of such texts, for multi-choice answers). So "Your answer: Yes" in a
 * Kazakh chat fails on "Yes", not only whole English sentences.
 */
import { readFileSync } from "node:fs";
import { loadResources, type Language } from "../../src/locales/i18n.ts";
import { uzbekLatinToCyrillic } from "../../src/locales/uzbek-cyrillic.ts";
import { DEFAULT_DIRECTORY_FILE } from "../../src/referrals/directory.ts";

type Part = { literal: string } | { placeholder: string };

const LETTER = /\p{L}/u;
const PLACEHOLDER = /\{\{\s*([^}]+?)\s*\}\}/g;
// Web addresses and e-mail addresses read the same in every language.
const ADDRESSES = /https?:\/\/\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** How deep a placeholder's filling is itself checked (a list of labels inside "Your answer: …"). */
const MAX_DEPTH = 2;

function neutralise(text: string): string {
  return text.replace(ADDRESSES, " ");
}

function hasLetters(text: string): boolean {
  return LETTER.test(neutralise(text));
}

function stringsOf(tree: unknown, out: string[] = []): string[] {
  if (typeof tree === "string") out.push(tree);
  else if (tree && typeof tree === "object") for (const value of Object.values(tree)) stringsOf(value, out);
  return out;
}

function partsOf(line: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of line.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ literal: line.slice(last, match.index) });
    parts.push({ placeholder: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < line.length) parts.push({ literal: line.slice(last) });
  return parts;
}

/** Every localized text of the referral directory (objects keyed by language), in one language. */
function directoryTexts(lang: Language, file = DEFAULT_DIRECTORY_FILE): string[] {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (typeof record.uz === "string" && typeof record.ru === "string") {
      const text = lang === "uz-Cyrl" ? uzbekLatinToCyrillic(record.uz) : record[lang];
      if (typeof text === "string") texts.push(text);
      return;
    }
    Object.values(record).forEach(visit);
  };
  visit(JSON.parse(readFileSync(file, "utf8")));
  return texts;
}

export interface LexiconOptions {
  /** Values interpolated as they are in every language, such as the organisation's name. */
  properNames?: string[];
}

export class LanguageLexicon {
  readonly #literals = new Set<string>();
  readonly #templates: Part[][] = [];
  readonly #properNames: Set<string>;
  readonly #cache = new Map<string, boolean>();

  readonly lang: Language;

  constructor(lang: Language, options: LexiconOptions = {}) {
    this.lang = lang;
    this.#properNames = new Set(options.properNames ?? []);
    const resources = loadResources()[lang];
    if (!resources) throw new Error(`no resources for ${lang}: is src/locales/${lang} there?`);
    // A nested text ($t(bot:days, {"count": {{retentionDays}} })) shows as another text of the
    // language ("365 дней"): it stands in a template as a placeholder, which that text accounts for.
    const unnested = (text: string) => text.replace(/\$t\([^)]*?\{\{(\w+)\}\}[^)]*\)/g, "{{$1}}");
    const lines = [...stringsOf(resources), ...directoryTexts(lang)].map(unnested).flatMap((text) => text.split("\n"));
    for (const raw of lines) {
      const line = raw.trim();
      if (!hasLetters(line.replace(PLACEHOLDER, ""))) continue; // a letter-free line needs no source
      if (line.includes("{{")) this.#templates.push(partsOf(line));
      else this.#literals.add(line);
    }
  }

  /** True when this language's texts account for the line (see the module comment). */
  accounts(line: string, depth = 0): boolean {
    const cacheKey = `${depth}\u0000${line}`;
    const cached = this.#cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const result = this.#accounts(line, depth);
    this.#cache.set(cacheKey, result);
    return result;
  }

  /** The lines of these texts that the language does not account for. */
  foreignLines(texts: readonly string[]): string[] {
    return texts.flatMap((text) => text.split("\n")).filter((line) => !this.accounts(line));
  }

  #accounts(line: string, depth: number): boolean {
    const text = line.trim();
    const plain = neutralise(text);
    if (!LETTER.test(plain)) return true;
    // Letter-free characters may surround a known text: "📞 112 (label)", "1. Yes", "✅ …".
    const firstLetterIndex = text.search(LETTER);
    const lastLetterIndex = lastLetterOf(text);
    for (let start = 0; start <= firstLetterIndex; start++) {
      for (let end = text.length; end > lastLetterIndex; end--) {
        const core = text.slice(start, end);
        if (this.#literals.has(core.trim())) return true;
        if (this.#templates.some((parts) => this.#matches(core.trim(), parts, 0, 0, depth))) return true;
      }
    }
    return false;
  }

  #matches(text: string, parts: Part[], index: number, position: number, depth: number): boolean {
    if (index === parts.length) return position === text.length;
    const part = parts[index]!;
    if ("literal" in part) {
      return text.startsWith(part.literal, position) && this.#matches(text, parts, index + 1, position + part.literal.length, depth);
    }
    const next = parts[index + 1];
    for (let end = position + 1; end <= text.length; end++) {
      if (next === undefined && end !== text.length) continue;
      if (next && "literal" in next && !text.startsWith(next.literal, end)) continue;
      if (this.#fillingFits(text.slice(position, end), depth) && this.#matches(text, parts, index + 1, end, depth)) return true;
    }
    return false;
  }

  /** What stands in a placeholder: letter-free, a proper name, or text of this language. */
  #fillingFits(filling: string, depth: number): boolean {
    if (!hasLetters(filling)) return true;
    if (this.#properNames.has(filling.trim())) return true;
    if (depth >= MAX_DEPTH) return false;
    return this.accounts(filling, depth + 1) || filling.split(", ").every((item) => this.accounts(item, depth + 1));
  }
}

function lastLetterOf(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (LETTER.test(text[i]!)) return i;
  return -1;
}
