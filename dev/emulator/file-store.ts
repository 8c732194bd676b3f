/**
 * Files the bot uploaded or users sent: their bytes, name and the ids Telegram would give them.
 * A file_id can be sent again and downloaded through getFile plus /file/bot<token>/<file_path>.
 */
import { randomBytes } from "node:crypto";
import { extname } from "node:path";
import { badRequest, BotApiError } from "./api-error.ts";
import type { RequestParams } from "./request-params.ts";

export type FileKind = "document" | "photo" | "voice" | "sticker";

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: FileKind;
  fileName: string | undefined;
  mimeType: string | undefined;
  bytes: Buffer;
  filePath: string;
  width: number;
  height: number;
}

/** Telegram's upload limit for bots; larger bodies get 413 like the real server. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const FOLDERS: Record<FileKind, string> = { document: "documents", photo: "photos", voice: "voice", sticker: "stickers" };
const MIME_TYPES: Record<string, string> = {
  ".pdf": "application/pdf", ".csv": "text/csv", ".txt": "text/plain", ".json": "application/json",
  ".zip": "application/zip", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".ogg": "audio/ogg",
  ".age": "application/octet-stream",
};

export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private counter = 0;

  add(kind: FileKind, bytes: Buffer, fileName?: string): StoredFile {
    this.counter += 1;
    const extension = extname(fileName ?? "") || defaultExtension(kind);
    const size = kind === "photo" ? imageSize(bytes) : { width: 0, height: 0 };
    const file: StoredFile = {
      // Real ids are opaque base64url strings; a kind prefix keeps them readable in test output.
      fileId: `${kind}-${this.counter}-${randomBytes(12).toString("base64url")}`,
      fileUniqueId: randomBytes(8).toString("base64url"),
      kind,
      fileName,
      mimeType: MIME_TYPES[extension.toLowerCase()] ?? "application/octet-stream",
      bytes,
      filePath: `${FOLDERS[kind]}/file_${this.counter}${extension}`,
      ...size,
    };
    this.byId.set(file.fileId, file);
    this.byPath.set(file.filePath, file);
    return file;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  atPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  /**
   * The file a send method refers to: a fresh upload (attach://id or a part named like the
   * parameter) or a file_id sent earlier. URLs are refused: the emulator does not download.
   */
  resolveInput(params: RequestParams, field: string, kind: FileKind): StoredFile {
    const value = params.string(field);
    if (value === undefined || value === "") throw badRequest(`there is no ${field} in the request`);
    if (value.startsWith("attach://")) {
      const upload = params.files.get(value.slice("attach://".length));
      if (!upload) throw badRequest(`file ${value} is not found in the request`);
      if (upload.bytes.length > MAX_UPLOAD_BYTES) throw new BotApiError(413, "Request Entity Too Large");
      if (upload.bytes.length === 0) throw badRequest("file must be non-empty");
      return this.add(kind, upload.bytes, upload.fileName);
    }
    const known = this.byId.get(value);
    if (known) return known;
    if (/^https?:\/\//i.test(value)) {
      throw badRequest("wrong file identifier/HTTP URL specified (the emulator does not download URLs; upload the bytes instead)");
    }
    throw badRequest("wrong file identifier/HTTP URL specified");
  }
}

function defaultExtension(kind: FileKind): string {
  return { document: ".dat", photo: ".jpg", voice: ".oga", sticker: ".webp" }[kind];
}

/** Width and height of a PNG or JPEG, or zeros for anything else. */
function imageSize(bytes: Buffer): { width: number; height: number } {
  const isPng = bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47;
  if (isPng) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  const isJpeg = bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8;
  if (isJpeg) {
    let offset = 2;
    while (offset + 9 < bytes.length && bytes[offset] === 0xff) {
      const marker = bytes[offset + 1]!;
      const length = bytes.readUInt16BE(offset + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) hold the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { width: bytes.readUInt16BE(offset + 7), height: bytes.readUInt16BE(offset + 5) };
      }
      offset += 2 + length;
    }
  }
  return { width: 0, height: 0 };
}
