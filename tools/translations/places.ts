/**
 * Where a text is shown and how long it may be, from its key: what a reviewer needs to judge a
 * wording (a button is cut on a phone; a question should fit on a screen).
 */

/** Telegram cuts button labels on a phone at about this many characters. */
export const BUTTON_LIMIT = 40;
/** A question (text and hint) should fit on a phone screen without much scrolling. */
export const QUESTION_LIMIT = 600;
/** Telegram refuses longer messages. */
export const MESSAGE_LIMIT = 4096;

export interface Place {
  /** For a reviewer: "question d_remit_freq", "button: option monthly of question d_remit_freq", "message". */
  where: string;
  /** Maximum characters (as a person sees them: an emoji is one). */
  limit: number;
}

/** Labels that end up on buttons: Telegram cuts them on a phone, so they must stay short (the tests use this rule too). */
export function isButtonLabel(key: string): boolean {
  return (
    /^survey:q\.[^.]+\.o\.[^.]+$/.test(key) ||
    /^survey:o\.[^.]+$/.test(key) ||
    /^bot:buttons\./.test(key) ||
    /^form:buttons\./.test(key) ||
    /^bot:consent\.(agree|decline)$/.test(key) ||
    /^referrals:buttons\./.test(key) ||
    /^referrals:category\./.test(key) ||
    /^staff:export\.(next|all_cities|period_all|period_\d+)$/.test(key) ||
    key === "staff:invite.any_district" ||
    key === "bot:language.self_name"
  );
}

export function placeOf(key: string): Place {
  const option = /^survey:q\.([^.]+)\.o\.([^.]+)$/.exec(key);
  if (option) return { where: `button: option ${option[2]} of question ${option[1]}`, limit: BUTTON_LIMIT };
  const question = /^survey:q\.([^.]+)\.(text|hint)$/.exec(key);
  if (question) return { where: question[2] === "text" ? `question ${question[1]}` : `hint of question ${question[1]}`, limit: QUESTION_LIMIT };
  if (isButtonLabel(key)) return { where: "button", limit: BUTTON_LIMIT };
  if (key.startsWith("staff:")) return { where: "message to staff", limit: MESSAGE_LIMIT };
  return { where: "message", limit: MESSAGE_LIMIT };
}
