/**
 * Invite links and printable QR codes of them.
 *
 * Error correction M survives a crease or a smudge on a printed sheet, margin 4 is the quiet
 * zone the QR standard asks for, and 600 px prints sharp at about 5 cm.
 */
import QRCode from "qrcode";
import { MAX_START_PAYLOAD_LENGTH } from "./invite-payload.ts";

const BOT_USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;
const START_PAYLOAD = /^[A-Za-z0-9_-]+$/;

export const QR_WIDTH_PX = 600;

/** `https://t.me/<bot>?start=<payload>`; throws, saying what is wrong, for a bad username or payload. */
export function inviteLink(botUsername: string, payload: string): string {
  const bot = botUsername.replace(/^@/, "");
  if (!BOT_USERNAME.test(bot)) throw new Error(`"${botUsername}" is not a Telegram bot username (5–32 characters of A-Z a-z 0-9 _, starting with a letter)`);
  if (!START_PAYLOAD.test(payload) || payload.length > MAX_START_PAYLOAD_LENGTH) {
    throw new Error(`A start payload must be 1–${MAX_START_PAYLOAD_LENGTH} characters of A-Z a-z 0-9 _ - (got ${payload.length} characters)`);
  }
  return `https://t.me/${bot}?start=${payload}`;
}

/** A PNG of the link's QR code, ready to send as a photo and print. */
export async function inviteQrPng(link: string): Promise<Buffer> {
  return QRCode.toBuffer(link, { type: "png", errorCorrectionLevel: "M", margin: 4, width: QR_WIDTH_PX });
}
