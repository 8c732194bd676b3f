/**
 * Uzbek Latin → Uzbek Cyrillic, by the rules of the 1995 alphabet.
 *
 * Many migrants over thirty read Cyrillic Uzbek more easily. Deriving it from the Latin
 * resources keeps the two in step: nobody edits the Cyrillic by hand. Placeholders, HTML tags,
 * commands, links, @names and a short list of names written in Latin pass through untouched.
 *
 * Two things the letter rules alone get wrong:
 * - Russian loanwords are written in Uzbek Cyrillic as in Russian (sentabr → сентябрь,
 *   kompyuter → компьютер): `LOANWORDS` lists the stems, a suffix after them is Uzbek.
 * - `ts` is ц only inside a loanword (politsiya → полиция, protsent → процент); where a
 *   suffix starts with s after a stem ending in t (ket+sin, ayt+sin) it stays тс.
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
  // Russian loanwords: politsiya, migratsiya, sotsial, tsentr, protsent are written with ц.
  // Before i only when a vowel follows (-tsiya, -tsial, -tsion): ket+sin, ayt+sin stay тс.
  [/^ts(?=i[aeiouy]|e)/i, "ц"],
  [/^yo(?![ʻ'‘`])/i, "ё"],
  [/^yu/i, "ю"],
  [/^ya/i, "я"],
  [/^ye/i, "е"],
];

const VOWELS = new Set("aeiouаеиоуэўёюя".split(""));
/** The tutuq belgisi (U+02BC) and the apostrophe between letters become the hard sign. */
const SEPARATOR = /^[ʼ'’]/;

/**
 * Russian loanwords whose Cyrillic spelling the letter rules cannot produce (я for a, ь, ъ, ц,
 * й before o). Each Latin stem maps to its Cyrillic spelling; an Uzbek suffix after the stem
 * (`UZBEK_SUFFIXES`) is transliterated by the rules (sentabrda → сентябрьда). Keep it short and
 * add a test pair for every entry.
 */
export const LOANWORDS: Readonly<Record<string, string>> = {
  yanvar: "январь",
  fevral: "февраль",
  aprel: "апрель",
  iyun: "июнь",
  iyul: "июль",
  sentabr: "сентябрь",
  oktabr: "октябрь",
  noyabr: "ноябрь",
  dekabr: "декабрь",
  rayon: "район",
  obyekt: "объект",
  subyekt: "субъект",
  stansiya: "станция",
  aksiya: "акция",
  kompyuter: "компьютер",
  sirk: "цирк",
  belarus: "беларусь",
};

/** Suffixes (plural, possessive, case) that may follow a loanword stem and stay Uzbek. */
const UZBEK_SUFFIXES = /^(?:lar)?(?:i|im|ing|imiz|ingiz|lari|si)?(?:da|dan|ga|ka|ni|ning|dagi|gacha|cha)?$/i;

/**
 * Text that must never change: {{placeholders}}, <tags>, &entities;, links (with or without
 * http, www. or a bare domain such as egov.kz), /commands (at the start of a word, so
 * "ha/yoʻq" is still Uzbek), @names, the international acronyms that Uzbek Cyrillic also writes
 * in Latin (QR, ID, SMS, PDF, IT), names written in Latin in every script (IOM, the organisation;
 * START, Telegram's own button; brand names such as WhatsApp), and e-mail addresses.
 * Uzbek acronyms such as BMT or XMT are words of the language and become БМТ, ХМТ.
 */
export const PROTECTED_WORDS = ["QR", "ID", "SMS", "PDF", "CSV", "XLSX", "SPSS", "IT", "IOM", "START", "WhatsApp", "Viber", "Kaspi", "eGov", "Google", "Instagram", "TikTok"] as const;

const PROTECTED = new RegExp(
  [
    String.raw`\{\{[^}]*\}\}`,
    String.raw`<[^>]*>`,
    String.raw`&[a-z#0-9]+;`,
    String.raw`https?:\/\/\S+`,
    String.raw`www\.[\w.-]+\w(?:\/\S*)?`,
    String.raw`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`,
    String.raw`\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:kz|uz|kg|ru|com|org|int|gov)\b(?:\/\S*)?`,
    String.raw`(?<![\p{L}\d])\/[a-z_]+`,
    String.raw`@[A-Za-z0-9_]+`,
    String.raw`(?<![\p{L}\d])(?:${PROTECTED_WORDS.join("|")})(?![\p{L}\d])`,
  ].map((source) => `(?:${source})`).join("|").replace(/^/, "(").concat(")"),
  "gu",
);

function matchCase(source: string, cyrillic: string): string {
  if (source === source.toLowerCase()) return cyrillic;
  if (source.length > 1 && source.slice(1) === source.slice(1).toLowerCase()) return cyrillic[0]!.toUpperCase() + cyrillic.slice(1);
  return cyrillic.toUpperCase();
}

/** A word's loanword stem and the length of Latin it covers, if the word is stem + Uzbek suffix. */
function loanwordAt(text: string, i: number): { cyrillic: string; length: number } | undefined {
  if (i > 0 && /[\p{L}ʻʼ'‘`]/u.test(text[i - 1]!)) return undefined;
  const word = /^[\p{L}ʻʼ'‘`]+/u.exec(text.slice(i))?.[0];
  if (!word) return undefined;
  for (const [latin, cyrillic] of Object.entries(LOANWORDS)) {
    if (word.toLowerCase().startsWith(latin) && UZBEK_SUFFIXES.test(word.slice(latin.length))) {
      return { cyrillic: matchCase(word.slice(0, latin.length), cyrillic), length: latin.length };
    }
  }
  return undefined;
}

function transliterateWordRun(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const loanword = loanwordAt(text, i);
    if (loanword) {
      out += loanword.cyrillic;
      i += loanword.length;
      continue;
    }
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
