/**
 * Turns any body Telegram accepts (JSON, urlencoded, multipart, query string) into one typed view
 * of the call's parameters. Non-JSON bodies carry every value as a string, and objects such as
 * reply_markup as JSON text, so getters coerce like Telegram does.
 */
import { badRequest } from "./api-error.ts";
import { boundaryOf, MultipartError, parseMultipart, type MultipartFile } from "./multipart.ts";

const JSON_FIELDS = new Set([
  "reply_markup", "entities", "caption_entities", "reply_parameters", "link_preview_options",
  "allowed_updates", "commands", "scope", "menu_button", "message_ids",
]);

export class RequestParams {
  private readonly values: Record<string, unknown>;
  /** Uploaded files by form field name. */
  readonly files: ReadonlyMap<string, MultipartFile>;

  constructor(values: Record<string, unknown>, files: ReadonlyMap<string, MultipartFile> = new Map()) {
    this.values = values;
    this.files = files;
  }

  has(name: string): boolean {
    const value = this.values[name];
    return value !== undefined && value !== null && value !== "";
  }

  raw(name: string): unknown {
    return this.values[name];
  }

  /** Every parameter, with uploads described instead of inlined; used for the call log. */
  describe(): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.values)) {
      if (value !== undefined && value !== null) copy[key] = this.parsedForLog(value, key);
    }
    return copy;
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : String(value);
  }

  requireString(name: string, emptyReason = `${name} is empty`): string {
    const value = this.string(name);
    if (value === undefined || value === "") throw badRequest(emptyReason);
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    const number = typeof value === "number" ? value : Number(value);
    if (!Number.isInteger(number)) throw badRequest(`invalid ${name} specified`);
    return number;
  }

  requireInteger(name: string, emptyReason = `${name} is empty`): number {
    const value = this.integer(name);
    if (value === undefined) throw badRequest(emptyReason);
    return value;
  }

  number(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    const number = typeof value === "number" ? value : Number(value);
    if (!Number.isFinite(number)) throw badRequest(`invalid ${name} specified`);
    return number;
  }

  boolean(name: string): boolean {
    const value = this.values[name];
    return value === true || value === "true" || value === "1" || value === 1;
  }

  /** An object or array parameter, given either as JSON or as JSON text. */
  json<T>(name: string): T | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  private parsedForLog(value: unknown, key: string): unknown {
    if (typeof value !== "string") return value;
    if (value.startsWith("attach://")) {
      const file = this.files.get(value.slice("attach://".length));
      if (file) return { upload: file.fileName, size: file.bytes.length };
    }
    // Multipart and urlencoded bodies carry objects as JSON text; log them as JSON bodies would.
    if (JSON_FIELDS.has(key)) {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    }
    return value;
  }
}

/** Parses an HTTP request body by its Content-Type; query-string values fill in what the body lacks. */
export function parseRequestParams(contentType: string | undefined, body: Buffer, query: URLSearchParams): RequestParams {
  const values: Record<string, unknown> = Object.fromEntries(query);
  const type = (contentType ?? "").toLowerCase();
  if (body.length === 0) return new RequestParams(values);

  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON request body");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest("request body must be a JSON object");
    return new RequestParams({ ...values, ...(parsed as Record<string, unknown>) });
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return new RequestParams({ ...values, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) });
  }
  if (type.startsWith("multipart/form-data")) {
    try {
      const multipart = parseMultipart(body, boundaryOf(contentType ?? ""));
      for (const field of multipart.fields) values[field.name] = field.value;
      const files = new Map<string, MultipartFile>();
      for (const file of multipart.files) {
        files.set(file.field, file);
        // A plain form upload (`document=@file.pdf`) names the parameter itself; make it look like grammY's attach://.
        if (!(file.field in values)) values[file.field] = `attach://${file.field}`;
      }
      return new RequestParams(values, files);
    } catch (error) {
      if (error instanceof MultipartError) throw badRequest(`can't parse multipart/form-data: ${error.message}`);
      throw error;
    }
  }
  throw badRequest(`unsupported Content-Type ${contentType ?? "(none)"}`);
}
