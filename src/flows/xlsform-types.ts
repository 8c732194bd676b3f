/**
 * The `type` column of an XLSForm: the spellings pyxform accepts, and which types a chat can ask,
 * the bot records itself, must refuse for privacy, or cannot ask at all.
 */
import type { QuestionType } from "./form.ts";

export const QUESTION_TYPES: Record<string, QuestionType> = {
  integer: "integer",
  int: "integer",
  decimal: "decimal",
  text: "text",
  string: "text",
  date: "date",
  note: "note",
  acknowledge: "acknowledge",
  trigger: "acknowledge",
};
export const METADATA = new Set(["start", "end", "today", "deviceid", "audit"]);
export const METADATA_ALIASES: Record<string, string> = { imei: "deviceid", "uri:deviceid": "deviceid" };
export const PERSONAL_METADATA = new Set(["phonenumber", "username", "email", "subscriberid", "simserial"]);
export const UNANSWERABLE: Record<string, string> = {
  geopoint: "a location", gps: "a location", location: "a location", geotrace: "a line on a map", geoshape: "a shape on a map",
  "start-geopoint": "a location", "background-geopoint": "a location",
  image: "a photo", photo: "a photo", audio: "a recording", "background-audio": "a recording", video: "a video", file: "a file",
  barcode: "a barcode scan", rank: "a ranking", range: "a slider", time: "a time of day", datetime: "a date and time",
  hidden: "a hidden field", "select_one_from_file": "a choice list from a file", "select_multiple_from_file": "a choice list from a file",
  "xml-external": "an external data file", "csv-external": "an external data file", "begin_loop": "a loop over a list",
  "begin_table": "a table", "audio_audit": "a recording", "text_audit": "a keystroke log",
};
/** pyxform's own name for a type written under an alias. */
export const CANONICAL_TYPE: Record<string, string> = { image: "photo", location: "geopoint" };
/** Columns that change how a row behaves in ODK but have no meaning in a chat: refused when set. */
export const BEHAVIOUR_COLUMNS = ["read_only", "trigger", "image", "audio", "video", "parameters"];

/** "select one yes_no or_other" → keyword select_one, list yes_no, or_other. */
export function parseType(raw: string): { keyword: string; list?: string; orOther: boolean } {
  const words = raw.trim().replace(/\s+/g, " ").split(" ");
  const lower = words.map((w) => w.toLowerCase());
  const twoWord = lower.slice(0, 2).join(" ");
  const aliases: Record<string, string> = {
    "select one": "select_one", "select all": "select_multiple", "select multiple": "select_multiple",
    "begin group": "begin_group", "end group": "end_group", "begin repeat": "begin_repeat", "end repeat": "end_repeat",
    "begin loop": "begin_loop", "end loop": "end_loop", "begin table": "begin_table",
  };
  let keyword = lower[0] ?? "";
  let rest = words.slice(1);
  if (aliases[twoWord]) {
    keyword = aliases[twoWord];
    rest = words.slice(2);
    if (twoWord === "select all" && rest[0]?.toLowerCase() === "that" && rest[1]?.toLowerCase() === "apply") rest = rest.slice(2);
  }
  keyword = keyword.replace(/ /g, "_");
  const orOther = rest.at(-1)?.toLowerCase() === "or_other";
  if (orOther) rest = rest.slice(0, -1);
  // "select_one from yes_no" is an older spelling of "select_one yes_no".
  if (rest.length > 1 && rest[0]!.toLowerCase() === "from") rest = rest.slice(1);
  return rest.length > 0 ? { keyword, list: rest.join(" "), orOther } : { keyword, orOther };
}
