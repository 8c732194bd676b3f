/**
 * Uzbek Latin → Uzbek Cyrillic, by the rules of the 1995 alphabet.
 *
 * Many migrants over thirty read Cyrillic Uzbek more easily. Deriving it from the Latin
 * resources keeps the two in step: nobody edits the Cyrillic by hand. Placeholders, HTML tags,
 * commands, links and @names pass through untouched.
 */

/** Latin letters that become one Cyrillic letter; digraphs are handled first. */
const LETTERS: Readonly<Record<string, string>> = {
  a: "а", b: "б", d: "д", f: "ф", g: "г", h: "ҳ", i: "и", j: "ж", k: "к", l: "л", m: "м",
  n: "н", o: "о", p: "п", q: "қ", r: "р", s: "с", t: "т", u: "у", v: "в", x: "х", y: "й", z: "з",
};

/** Two-letter sequences, tried before single letters. `oʻ` and `gʻ` use U+02BB (and tolerate ' and ‘). */
const DIGRAPHS: ReadonlyArray<[RegExp, string]> = [
  [/^o[ʻ'‘`]/i, "ў"],
  [/^g[ʻ'‘`]/i, "ғ"],
  [/^sh/i, "ш"],
  [/^ch/i, "ч"],
  // Russian loanwords: politsiya, migratsiya, tsentr are written with ц in Cyrillic.
  [/^ts(?=[ie])/i, "ц"],
  [/^yo(?![ʻ'‘`])/i, "ё"],
  [/^yu/i, "ю"],
  [/^ya/i, "я"],
  [/^ye/i, "е"],
];

const VOWELS = new Set("aeiouаеиоуэўёюя".split(""));
/** The tutuq belgisi (U+02BC) and the apostrophe between letters become the hard sign. */
const SEPARATOR = /^[ʼ'’]/;

/**
 * Text that must never change: {{placeholders}}, <tags>, &entities;, links, /commands (at the
 * start of a word, so "ha/yoʻq" is still Uzbek), @names, and the few international acronyms
 * that Uzbek Cyrillic also writes in Latin (QR, ID, SMS, PDF). Uzbek acronyms such as BMT or
 * XMT are words of the language and become БМТ, ХМТ.
 */
const PROTECTED = /(\{\{[^}]*\}\}|<[^>]*>|&[a-z#0-9]+;|https?:\/\/\S+|(?<![\p{L}\d])\/[a-z_]+|@[A-Za-z0-9_]+|\b(?:QR|ID|SMS|PDF|CSV|XLSX|SPSS)\b)/gu;

function matchCase(source: string, cyrillic: string): string {
  if (source === source.toLowerCase()) return cyrillic;
  return cyrillic.toUpperCase();
}

function transliterateWordRun(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const digraph = DIGRAPHS.find(([pattern]) => pattern.test(rest));
    if (digraph) {
      const matched = rest.match(digraph[0])![0];
      out += matchCase(matched[0]!, digraph[1]);
      i += matched.length;
      continue;
    }
    const char = text[i]!;
    const lower = char.toLowerCase();
    if (lower === "e") {
      // "e" is э at the start of a word and after a vowel, е elsewhere.
      const previous = out.at(-1)?.toLowerCase();
      const atWordStart = previous === undefined || !/\p{L}/u.test(previous);
      out += matchCase(char, atWordStart || VOWELS.has(previous) ? "э" : "е");
    } else if (SEPARATOR.test(char) && /\p{L}/u.test(out.at(-1) ?? "") && /\p{L}/u.test(text[i + 1] ?? "")) {
      out += "ъ";
    } else if (lower in LETTERS) {
      out += matchCase(char, LETTERS[lower]!);
    } else {
      out += char;
    }
    i += 1;
  }
  return out;
}

/** Transliterates Uzbek Latin text to Cyrillic, leaving protected fragments as they are. */
export function uzbekLatinToCyrillic(text: string): string {
  return text
    .split(PROTECTED)
    .map((part, index) => (index % 2 === 1 ? part : transliterateWordRun(part)))
    .join("");
}

/** Applies the transliteration to every string of an i18next resource tree. */
export function transliterateResources<T>(resources: T): T {
  if (typeof resources === "string") return uzbekLatinToCyrillic(resources) as T;
  if (Array.isArray(resources)) return resources.map(transliterateResources) as T;
  if (resources && typeof resources === "object") {
    return Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, transliterateResources(v)])) as T;
  }
  return resources;
}
