/**
 * The shape of a referral directory file: the services the bot may point a respondent to.
 *
 * Operators replace the shipped file with their own (REFERRALS_FILE), so every rule here
 * carries a message that says what to write instead. Meaning checks that need the whole file
 * (unique ids, a citable source behind every phone number) live in `validate.ts`.
 */
import { z } from "zod";

/** Where a service works. `national` services reach the whole country. */
export const SERVICE_AREAS = ["almaty", "astana", "shymkent", "national"] as const;
export type ServiceArea = (typeof SERVICE_AREAS)[number];
/** The three study cities: a respondent's a_city when it is one of these. */
export type ServiceCity = Exclude<ServiceArea, "national">;
export const SERVICE_CITIES: readonly ServiceCity[] = ["almaty", "astana", "shymkent"];

/** Kinds of help, in the order the help menu lists them (the most urgent first). */
export const CATEGORIES = ["emergency", "protection", "health", "legal", "documents", "consulate", "shelter", "iom"] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Category whose entries serve the citizens of particular countries (embassies, consulates):
 * each lists them in `countries`, and a person sees only their own country's.
 */
export const PER_CITIZENSHIP_CATEGORY = "consulate" satisfies Category;

/** How sure the maintainers are of an entry's details, judged from its source. */
export const CONFIDENCES = ["high", "medium", "low"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Languages every entry text is written in. Uzbek Cyrillic is derived from `uz` at run time. */
export const ENTRY_LANGUAGES = ["en", "ru", "uz", "ky", "kk"] as const;
export type EntryLanguage = (typeof ENTRY_LANGUAGES)[number];

const LANGUAGE_NAMES: Record<EntryLanguage, string> = {
  en: "English",
  ru: "Russian (Cyrillic)",
  uz: "Uzbek (Latin script)",
  ky: "Kyrgyz (Cyrillic)",
  kk: "Kazakh (Cyrillic)",
};

/**
 * An error message that tells the operator what to write. A missing field says "missing";
 * a wrong one quotes what was found, so the operator can find it in a long file.
 */
function says(whatToWrite: string) {
  return (issue: { code?: string; input?: unknown; keys?: string[] }): string => {
    if (issue.code === "unrecognized_keys") {
      const keys = (issue.keys ?? []).map((k) => `"${k}"`).join(", ");
      return `unknown field ${keys}: remove it or check its spelling`;
    }
    if (issue.input === undefined) return `missing: ${whatToWrite}`;
    const found = typeof issue.input === "string" ? `"${issue.input}"` : JSON.stringify(issue.input);
    return `found ${found ?? String(issue.input)}; ${whatToWrite}`;
  };
}

/** Bounds keep one entry far below Telegram's 4,096 characters, so a message never has to cut one. */
const LIMITS = { name: 120, description: 200, address: 200, hours: 120, label: 60, title: 300, phones: 10, link: 300 } as const;

function line(max: number, what: string) {
  return z
    .string({ error: says(`${what} (one line of text)`) })
    .trim()
    .min(1, { error: `write ${what}; it must not be empty` })
    .max(max, { error: `shorten ${what} to at most ${max} characters` })
    .regex(/^[^\r\n]*$/, { error: `write ${what} on one line, without line breaks` });
}

/** A text in every entry language. Names may stay as the organisation writes them, in each language's script. */
function localized(max: number, what: string) {
  return z.strictObject(
    Object.fromEntries(ENTRY_LANGUAGES.map((lang) => [lang, line(max, `${what} in ${LANGUAGE_NAMES[lang]}`)])) as Record<
      EntryLanguage,
      ReturnType<typeof line>
    >,
    { error: says(`an object with ${what} in each of ${ENTRY_LANGUAGES.join(", ")}`) },
  );
}
export type LocalizedText = Record<EntryLanguage, string>;

/** Either one text for every language (such as a street address in one script) or one per language. */
function localizedOrSingle(max: number, what: string) {
  return z.union([line(max, what), localized(max, what)], {
    error: says(`${what} as one line of text, or an object with it in each of ${ENTRY_LANGUAGES.join(", ")}`),
  });
}

/**
 * A phone number exactly as Telegram makes it tappable: a short national code (112) or an
 * international Kazakhstan number with no spaces (+77272582643). Spaces, dashes, brackets and
 * the domestic 8 prefix are refused rather than cleaned, so what is checked is what is shown.
 */
export const PHONE_FORMAT = /^(?:\d{3,4}|\+7\d{10})$/;
export const Phone = z.strictObject(
  {
    number: z
      .string({ error: says("a phone number") })
      .regex(PHONE_FORMAT, {
        error: says(
          "write a 3–4 digit short code such as 112, or +7 and 10 digits with no spaces, dashes or brackets, such as +77272582643",
        ),
      }),
    label: localized(LIMITS.label, "a short label for this number").optional(),
  },
  { error: says('an object like { "number": "+77272582643" }') },
);
export type Phone = z.infer<typeof Phone>;

/** Kazakhstan's bounding box, slightly padded: a point outside it is a typo (often lat/lon swapped). */
export const KAZAKHSTAN_BOUNDS = { lat: [40.5, 55.5], lon: [46.4, 87.4] } as const;

export const Coordinates = z.strictObject(
  {
    lat: z
      .number({ error: says("the latitude as a number, such as 43.24") })
      .min(KAZAKHSTAN_BOUNDS.lat[0], { error: `latitude must be within Kazakhstan (${KAZAKHSTAN_BOUNDS.lat.join("–")}); check that lat and lon are not swapped` })
      .max(KAZAKHSTAN_BOUNDS.lat[1], { error: `latitude must be within Kazakhstan (${KAZAKHSTAN_BOUNDS.lat.join("–")}); check that lat and lon are not swapped` }),
    lon: z
      .number({ error: says("the longitude as a number, such as 76.89") })
      .min(KAZAKHSTAN_BOUNDS.lon[0], { error: `longitude must be within Kazakhstan (${KAZAKHSTAN_BOUNDS.lon.join("–")})` })
      .max(KAZAKHSTAN_BOUNDS.lon[1], { error: `longitude must be within Kazakhstan (${KAZAKHSTAN_BOUNDS.lon.join("–")})` }),
  },
  { error: says('an object like { "lat": 43.24, "lon": 76.89 }') },
);

/**
 * Where the entry's details come from. `url` or `citation` makes it citable; `validate.ts`
 * refuses phone numbers without one. The title says honestly how it was checked.
 */
export const Source = z.strictObject(
  {
    title: line(LIMITS.title, "the title of the public source"),
    url: z.url({ protocol: /^https?$/, error: says("the source's address, starting with https://") }).optional(),
    citation: line(LIMITS.title, "where in the source the details are (page, section)").optional(),
  },
  { error: says('an object like { "title": "…", "url": "https://…" }') },
);
export type Source = z.infer<typeof Source>;

const httpsUrl = (what: string) =>
  z
    .url({ protocol: /^https$/, error: says(`write ${what} as an https:// address`) })
    .max(LIMITS.link, { error: `shorten ${what} to at most ${LIMITS.link} characters` });

/**
 * A website: one address, or the page in each language the source has, with `default` for the
 * others. A person is sent to the page in their language when there is one (Uzbek Cyrillic
 * readers get the Uzbek page).
 */
export const Website = z.union(
  [
    httpsUrl("the website"),
    z.strictObject(
      {
        default: httpsUrl("the website shown where there is no page in the person's language"),
        ...(Object.fromEntries(ENTRY_LANGUAGES.map((lang) => [lang, httpsUrl(`the ${LANGUAGE_NAMES[lang]} page`).optional()])) as Record<
          EntryLanguage,
          z.ZodOptional<ReturnType<typeof httpsUrl>>
        >),
      },
      { error: says(`an object like { "default": "https://…", "ru": "https://…/ru" }`) },
    ),
  ],
  { error: says('the website as an https:// address, or an object like { "default": "https://…", "ru": "https://…/ru" }') },
);
export type Website = z.infer<typeof Website>;

/** A citizenship as the questionnaire codes it (uzbekistan, kyrgyzstan, tajikistan, russia…). */
export const CountryCode = z
  .string({ error: says("a citizenship code such as uzbekistan") })
  .regex(/^[a-z][a-z0-9_]*$/, { error: says("write the citizenship code in lower case, as the questionnaire does, such as uzbekistan") });

export const Entry = z.strictObject(
  {
    id: z
      .string({ error: says("a unique id in snake case, such as iom_almaty") })
      .regex(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/, { error: says("write the id in snake case: lower-case letters and digits joined by _, such as iom_almaty") }),
    city: z.enum(SERVICE_AREAS, { error: says(`write one of ${SERVICE_AREAS.join(", ")}`) }),
    categories: z
      .array(z.enum(CATEGORIES, { error: says(`write one of ${CATEGORIES.join(", ")}`) }), {
        error: says(`a list of categories from ${CATEGORIES.join(", ")}`),
      })
      .min(1, { error: `list at least one category from ${CATEGORIES.join(", ")}` })
      .refine((list) => new Set(list).size === list.length, { error: "list each category only once" }),
    name: localized(LIMITS.name, "the service's name"),
    description: localized(LIMITS.description, "a one-line description"),
    phones: z
      .array(Phone, { error: says('a list of phones, such as [{ "number": "112" }]; write [] if there is none') })
      .max(LIMITS.phones, { error: `list at most ${LIMITS.phones} phone numbers; keep the ones people should call first` })
      .default([]),
    address: localizedOrSingle(LIMITS.address, "the address").optional(),
    hours: localizedOrSingle(LIMITS.hours, "the opening hours").optional(),
    website: Website.optional(),
    email: z
      .email({ error: says("write an e-mail address such as office@example.org") })
      .max(LIMITS.link, { error: `shorten the e-mail address to at most ${LIMITS.link} characters` })
      .optional(),
    coordinates: Coordinates.optional(),
    countries: z
      .array(CountryCode, { error: says('a list of citizenship codes, such as ["uzbekistan"]') })
      .min(1, { error: "list at least one country whose citizens this office serves" })
      .optional(),
    source: Source,
    confidence: z.enum(CONFIDENCES, { error: says(`write how sure you are of these details: one of ${CONFIDENCES.join(", ")}`) }).optional(),
    checked: z.iso.date({ error: says("write the date the details were last checked, as YYYY-MM-DD") }),
  },
  { error: says("an object describing one service") },
);
export type Entry = z.infer<typeof Entry>;
export type EntryInput = z.input<typeof Entry>;

/**
 * A kind of help a city is known to lack: written down so that "nothing here" is a decision the
 * maintainers made, not an oversight (`npm run directory -- check` asks for one or the other).
 */
export const Gap = z.strictObject(
  {
    city: z.enum(SERVICE_AREAS, { error: says(`write one of ${SERVICE_AREAS.join(", ")}`) }),
    category: z.enum(CATEGORIES, { error: says(`write one of ${CATEGORIES.join(", ")}`) }),
    note: line(LIMITS.description, "a note on what is missing").optional(),
  },
  { error: says('an object like { "city": "shymkent", "category": "health" }') },
);
export type Gap = z.infer<typeof Gap>;

export const DirectoryFile = z.strictObject(
  {
    version: z.int({ error: says("the file's version as a whole number, such as 1") }).positive({ error: "write the version as a whole number of 1 or more" }),
    entries: z.array(Entry, { error: says("a list of entries") }).min(1, { error: "list at least one entry" }),
    gaps: z.array(Gap, { error: says("a list of known gaps") }).optional(),
  },
  { error: says('a JSON object like { "version": 1, "entries": [ … ] }') },
);
export type DirectoryFile = z.infer<typeof DirectoryFile>;
export type DirectoryFileInput = z.input<typeof DirectoryFile>;
