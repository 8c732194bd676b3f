/**
 * A multipart/form-data parser for whole, buffered bodies. It is lenient where grammY is unusual:
 * grammY writes `content-disposition:form-data;name="x";filename=report.pdf` with no spaces and an
 * unquoted file name, which stricter parsers reject.
 */

export interface MultipartField {
  name: string;
  value: string;
}

export interface MultipartFile {
  /** The form field the bytes came in (grammY uses a random id referenced as attach://id). */
  field: string;
  fileName: string;
  contentType: string | undefined;
  bytes: Buffer;
}

export interface MultipartBody {
  fields: MultipartField[];
  files: MultipartFile[];
}

export class MultipartError extends Error {}

/** Reads the boundary from a Content-Type header, or throws if there is none. */
export function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MultipartError("multipart/form-data without a boundary");
  return boundary;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundary}`);
  const partEnd = Buffer.from(`\r\n--${boundary}`);
  const result: MultipartBody = { fields: [], files: [] };

  let position = body.indexOf(delimiter);
  if (position < 0) throw new MultipartError("the body does not contain its boundary");
  position += delimiter.length;

  for (;;) {
    // "--" after a delimiter closes the body.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) break;
    if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
    const headerEnd = body.indexOf("\r\n\r\n", position);
    if (headerEnd < 0) throw new MultipartError("a part has no end of headers");
    const headers = parseHeaders(body.subarray(position, headerEnd).toString("utf8"));
    const contentStart = headerEnd + 4;
    const contentEnd = body.indexOf(partEnd, contentStart);
    if (contentEnd < 0) throw new MultipartError("a part is not terminated by the boundary");
    const content = body.subarray(contentStart, contentEnd);
    position = contentEnd + partEnd.length;

    const disposition = headers.get("content-disposition") ?? "";
    const name = dispositionParam(disposition, "name");
    if (name === undefined) throw new MultipartError("a part has no name in its content-disposition");
    const fileName = dispositionFileName(disposition);
    if (fileName === undefined) {
      result.fields.push({ name, value: content.toString("utf8") });
    } else {
      result.files.push({ field: name, fileName, contentType: headers.get("content-type"), bytes: Buffer.from(content) });
    }
  }
  return result;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, param: string): string | undefined {
  const match = new RegExp(`;\\s*${param}=(?:"([^"]*)"|([^;]*))`, "i").exec(disposition);
  if (!match) return undefined;
  return match[1] ?? match[2]?.trim();
}

function dispositionFileName(disposition: string): string | undefined {
  // RFC 5987 form (filename*=UTF-8''r%C3%A9sum%C3%A9.pdf) wins over the plain one, as in browsers.
  const extended = /;\s*filename\*=(?:UTF-8|utf-8)''([^;]*)/.exec(disposition);
  if (extended?.[1] !== undefined) return decodeURIComponent(extended[1].trim());
  return dispositionParam(disposition, "filename");
}
