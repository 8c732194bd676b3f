/**
 * Button data: typed, versioned and within Telegram's 64 bytes.
 *
 * Every button the bot sends is encoded here and every press is decoded here; handlers never
 * split strings. Anything that does not decode (an old version, a forged or truncated value)
 * comes back as undefined and gets a polite "this button is old" instead of an error.
 */
const VERSION = "1";
const SEPARATOR = "|";
const MAX_BYTES = 64;

/** Every kind of button and the fields it carries. */
/** A button that carries nothing but its kind. */
type NoFields = Record<never, never>;

export interface ButtonKinds {
  /**
   * Language picked before consent; carries the invite's campaign code and the study's ref
   * (studies/study-ref.ts; absent: the default study) along statelessly.
   */
  pickLanguage: { lang: string; campaign?: string; study?: string };
  /** Consent answer; nothing is stored before "agree". */
  consent: { choice: "agree" | "decline"; lang: string; campaign?: string; study?: string };
  /** An invite to another study arrived mid-interview: start that one (the current one is kept). */
  switchStudy: { study: string; campaign?: string };
  /** …or carry on with the interview under way. */
  keepStudy: NoFields;
  /** Language changed later with /language. */
  switchLanguage: { lang: string };
  answer: { q: string; code: string };
  number: { q: string; value: number };
  toggle: { q: string; code: string };
  done: { q: string };
  back: { q: string };
  confirm: { q: string; yes: boolean };
  help: NoFields;
  helpCategory: { category: string };
  urgentHelp: NoFields;
  referralOffer: { need: string; yes: boolean };
  /** Leaves a help screen reached mid-interview: the current question is shown again. */
  backToQuestions: NoFields;
  clearChat: NoFields;
  /** A choice in a staff dialog (/invite, /export): the step it answers and the value. */
  staffChoice: { step: string; value: string };
  /** The /delete confirmation: delete, delete and clear the chat, or keep. */
  deleteData: { choice: "delete" | "delete_clear" | "keep" };
  resume: NoFields;
  /** The reminder question: remind me this evening, tomorrow evening, or not at all. */
  reminderOffer: { choice: "tonight" | "tomorrow" | "no" };
  /** On a reminder: bring the current question back. */
  reminderContinue: NoFields;
  /** On a reminder: no more reminders. */
  reminderStop: NoFields;
  /**
   * Buttons of an imported form's questions. `q` is the question's fingerprint (formFingerprint
   * in bot/form), never its name: a field reference can be long, and the fingerprint also
   * changes when the offered choices change, so an old button is recognised as old. Choices
   * travel as their index among the offered choices, whatever the length of their names.
   */
  formChoice: { q: string; index: number };
  /** A tick in a select_multiple: `selected` is the selection after this press; `page` the page of a long list it is on. */
  formToggle: { q: string; selected: number[]; page?: number };
  /** Another page of a long choice list, keeping a select_multiple's ticks. */
  formPage: { q: string; page: number; selected: number[] };
  /** Done under a select_multiple: the selection shown on the message it was pressed on. */
  formDone: { q: string; selected: number[] };
  /** Skip a question that needs no answer, or Continue after a note: answers with nothing. */
  formBlank: { q: string };
  /** OK on an acknowledge question. */
  formOk: { q: string };
  /** Keep the answer the form gives by default (its `default` column). */
  formKeep: { q: string };
  formBack: { q: string };
  /** A repeat's "add another?". */
  formRepeat: { q: string; yes: boolean };
}
export type ButtonKind = keyof ButtonKinds;
export type Button = { [K in ButtonKind]: { kind: K } & ButtonKinds[K] }[ButtonKind];

type Codec<K extends ButtonKind> = {
  tag: string;
  encode(fields: ButtonKinds[K]): string[];
  decode(parts: string[]): ButtonKinds[K] | undefined;
};

const TOKEN = /^[A-Za-z0-9_-]{1,40}$/;
const LANG = /^[a-zA-Z-]{2,8}$/;
const token = (s: string | undefined) => (s !== undefined && TOKEN.test(s) ? s : undefined);
const optional = (s: string | undefined) => (s === undefined || s === "" ? undefined : token(s));
const INDEX = /^\d{1,4}$/;
const MASK = /^[0-9a-z]{1,60}$/;

/** A selection as a bit mask in base 36: choice i is bit i. Any number of choices fits in few bytes. */
function encodeSelection(selected: number[]): string {
  let mask = 0n;
  for (const index of selected) mask |= 1n << BigInt(index);
  return mask.toString(36);
}

function decodeSelection(text: string | undefined): number[] | undefined {
  if (text === undefined || !MASK.test(text)) return undefined;
  let mask = 0n;
  for (const digit of text) mask = mask * 36n + BigInt(Number.parseInt(digit, 36));
  const selected: number[] = [];
  for (let index = 0; mask > 0n; index++, mask >>= 1n) if (mask & 1n) selected.push(index);
  return selected;
}

const formQuestion = (tag: string) => ({ tag, encode: (f: { q: string }) => [f.q], decode: ([q]: string[]) => (token(q) ? { q: q! } : undefined) });
const formSelection = (tag: string) => ({
  tag,
  encode: (f: { q: string; selected: number[] }) => [f.q, encodeSelection(f.selected)],
  decode: ([q, mask]: string[]) => {
    const selected = decodeSelection(mask);
    return token(q) && selected ? { q: q!, selected } : undefined;
  },
});

/** A study ref: 8 characters (studies/study-ref.ts). */
const studyRef = (s: string | undefined) => s !== undefined && /^[A-Za-z0-9_-]{8}$/.test(s);
const none: Codec<"help"> = { tag: "", encode: () => [], decode: (parts) => (parts.length === 0 ? {} : undefined) };

const codecs: { [K in ButtonKind]: Codec<K> } = {
  pickLanguage: {
    tag: "l",
    encode: (f) => [f.lang, f.campaign ?? "", f.study ?? ""],
    decode: ([lang, campaign, study]) =>
      lang && LANG.test(lang) ? { lang, ...(optional(campaign) ? { campaign: campaign! } : {}), ...(studyRef(study) ? { study: study! } : {}) } : undefined,
  },
  consent: {
    tag: "c",
    encode: (f) => [f.choice === "agree" ? "y" : "n", f.lang, f.campaign ?? "", f.study ?? ""],
    decode: ([choice, lang, campaign, study]) =>
      (choice === "y" || choice === "n") && lang && LANG.test(lang)
        ? { choice: choice === "y" ? "agree" : "decline", lang, ...(optional(campaign) ? { campaign: campaign! } : {}), ...(studyRef(study) ? { study: study! } : {}) }
        : undefined,
  },
  switchStudy: {
    tag: "w",
    encode: (f) => [f.study, f.campaign ?? ""],
    decode: ([study, campaign]) => (studyRef(study) ? { study: study!, ...(optional(campaign) ? { campaign: campaign! } : {}) } : undefined),
  },
  keepStudy: { ...none, tag: "W" } as Codec<"keepStudy">,
  switchLanguage: { tag: "L", encode: (f) => [f.lang], decode: ([lang]) => (lang && LANG.test(lang) ? { lang } : undefined) },
  answer: {
    tag: "a",
    encode: (f) => [f.q, f.code],
    decode: ([q, code]) => (token(q) && token(code) ? { q: q!, code: code! } : undefined),
  },
  number: {
    tag: "n",
    encode: (f) => [f.q, String(f.value)],
    decode: ([q, value]) => (token(q) && value && /^-?\d{1,6}$/.test(value) ? { q: q!, value: Number(value) } : undefined),
  },
  toggle: {
    tag: "t",
    encode: (f) => [f.q, f.code],
    decode: ([q, code]) => (token(q) && token(code) ? { q: q!, code: code! } : undefined),
  },
  done: { tag: "d", encode: (f) => [f.q], decode: ([q]) => (token(q) ? { q: q! } : undefined) },
  back: { tag: "b", encode: (f) => [f.q], decode: ([q]) => (token(q) ? { q: q! } : undefined) },
  confirm: {
    tag: "k",
    encode: (f) => [f.q, f.yes ? "y" : "n"],
    decode: ([q, yes]) => (token(q) && (yes === "y" || yes === "n") ? { q: q!, yes: yes === "y" } : undefined),
  },
  help: { ...none, tag: "h" },
  helpCategory: { tag: "hc", encode: (f) => [f.category], decode: ([c]) => (token(c) ? { category: c! } : undefined) },
  urgentHelp: { ...none, tag: "u" } as Codec<"urgentHelp">,
  referralOffer: {
    tag: "r",
    encode: (f) => [f.need, f.yes ? "y" : "n"],
    decode: ([need, yes]) => (token(need) && (yes === "y" || yes === "n") ? { need: need!, yes: yes === "y" } : undefined),
  },
  backToQuestions: { ...none, tag: "hq" } as Codec<"backToQuestions">,
  clearChat: { ...none, tag: "z" } as Codec<"clearChat">,
  staffChoice: {
    tag: "S",
    encode: (f) => [f.step, f.value],
    decode: ([step, value]) => (token(step) && token(value) ? { step: step!, value: value! } : undefined),
  },
  deleteData: {
    tag: "x",
    encode: (f) => [f.choice === "delete" ? "d" : f.choice === "delete_clear" ? "c" : "k"],
    decode: ([c]) => (c === "d" ? { choice: "delete" } : c === "c" ? { choice: "delete_clear" } : c === "k" ? { choice: "keep" } : undefined),
  },
  resume: { ...none, tag: "s" } as Codec<"resume">,
  reminderOffer: {
    tag: "ro",
    encode: (f) => [f.choice],
    decode: ([c]) => (c === "tonight" || c === "tomorrow" || c === "no" ? { choice: c } : undefined),
  },
  reminderContinue: { ...none, tag: "rc" } as Codec<"reminderContinue">,
  reminderStop: { ...none, tag: "rs" } as Codec<"reminderStop">,
  formChoice: {
    tag: "fc",
    encode: (f) => [f.q, String(f.index)],
    decode: ([q, index]) => (token(q) && index && INDEX.test(index) ? { q: q!, index: Number(index) } : undefined),
  },
  formToggle: {
    tag: "ft",
    encode: (f) => [f.q, encodeSelection(f.selected), f.page ? String(f.page) : ""],
    decode: ([q, mask, page]) => {
      const selected = decodeSelection(mask);
      if (!token(q) || !selected || (page !== undefined && page !== "" && !INDEX.test(page))) return undefined;
      return { q: q!, selected, ...(page ? { page: Number(page) } : {}) };
    },
  },
  formPage: {
    tag: "fp",
    encode: (f) => [f.q, String(f.page), encodeSelection(f.selected)],
    decode: ([q, page, mask]) => {
      const selected = decodeSelection(mask);
      return token(q) && page && INDEX.test(page) && selected ? { q: q!, page: Number(page), selected } : undefined;
    },
  },
  formDone: formSelection("fd"),
  formBlank: formQuestion("fz"),
  formOk: formQuestion("fo"),
  formKeep: formQuestion("fk"),
  formBack: formQuestion("fb"),
  formRepeat: {
    tag: "fr",
    encode: (f) => [f.q, f.yes ? "y" : "n"],
    decode: ([q, yes]) => (token(q) && (yes === "y" || yes === "n") ? { q: q!, yes: yes === "y" } : undefined),
  },
};

const byTag = new Map(Object.entries(codecs).map(([kind, codec]) => [codec.tag, kind as ButtonKind]));

export class CallbackDataTooLong extends Error {
  readonly data: string;
  constructor(data: string) {
    super(`callback data "${data}" is ${Buffer.byteLength(data)} bytes; Telegram allows ${MAX_BYTES}. Shorten the question id or option code.`);
    this.data = data;
  }
}

export function encodeButton(button: Button): string {
  const codec = codecs[button.kind] as Codec<ButtonKind>;
  const data = [VERSION + codec.tag, ...codec.encode(button as never)].join(SEPARATOR).replace(/\|+$/, "");
  if (Buffer.byteLength(data) > MAX_BYTES) throw new CallbackDataTooLong(data);
  return data;
}

export function decodeButton(data: string | undefined): Button | undefined {
  if (!data || Buffer.byteLength(data) > MAX_BYTES || !data.startsWith(VERSION)) return undefined;
  const [head, ...parts] = data.split(SEPARATOR);
  const kind = byTag.get(head!.slice(VERSION.length));
  if (!kind) return undefined;
  const fields = (codecs[kind] as Codec<ButtonKind>).decode(parts);
  return fields ? ({ kind, ...fields } as Button) : undefined;
}
