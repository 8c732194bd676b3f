/**
 * Applies a parse_mode the way Telegram does: markup becomes entities, and text Telegram would
 * refuse ("can't parse entities: ...") is refused here too, so a bot that forgets to escape a "."
 * in MarkdownV2 or sends an unsupported HTML tag fails in tests rather than in production.
 */
import { badRequest, type BotApiError } from "./api-error.ts";
import type { WireEntity } from "./wire-types.ts";

export interface FormattedText {
  text: string;
  entities: WireEntity[];
}

export function applyParseMode(input: string, parseMode: string | undefined, explicitEntities: WireEntity[] | undefined): FormattedText {
  if (parseMode === undefined || parseMode === "") return { text: input, entities: explicitEntities ?? [] };
  switch (parseMode.toLowerCase()) {
    case "html":
      return parseHtml(input);
    case "markdownv2":
      return parseMarkdownV2(input);
    case "markdown":
      return parseLegacyMarkdown(input);
    default:
      throw badRequest(`unsupported parse_mode`);
  }
}

const cantParse = (reason: string): BotApiError => badRequest(`can't parse entities: ${reason}`);
const byteOffset = (input: string, index: number): number => Buffer.byteLength(input.slice(0, index), "utf8");

const HTML_ENTITY_TYPES: Record<string, string> = {
  b: "bold", strong: "bold", i: "italic", em: "italic", u: "underline", ins: "underline",
  s: "strikethrough", strike: "strikethrough", del: "strikethrough", "tg-spoiler": "spoiler",
  span: "spoiler", a: "text_link", code: "code", pre: "pre", blockquote: "blockquote", "tg-emoji": "custom_emoji",
};

interface OpenTag {
  name: string;
  start: number;
  attributes: string;
}

function parseHtml(input: string): FormattedText {
  let text = "";
  const entities: WireEntity[] = [];
  const open: OpenTag[] = [];
  let index = 0;
  while (index < input.length) {
    const char = input[index]!;
    if (char === "<") {
      const close = input.indexOf(">", index);
      if (close < 0) throw cantParse(`Can't find end of the tag at byte offset ${byteOffset(input, index)}`);
      const tag = input.slice(index + 1, close);
      if (tag.startsWith("/")) {
        const name = tag.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (!top) throw cantParse(`Unexpected end tag at byte offset ${byteOffset(input, index)}`);
        if (name !== top.name) {
          throw cantParse(`Unmatched end tag at byte offset ${byteOffset(input, index)}, expected "</${top.name}>", found "</${name}>"`);
        }
        const entity = htmlEntity(top, text.length - top.start);
        if (entity) entities.push(entity);
      } else {
        const name = /^[^\s/]*/.exec(tag)![0].toLowerCase();
        if (!(name in HTML_ENTITY_TYPES)) throw cantParse(`Unsupported start tag "${name}" at byte offset ${byteOffset(input, index)}`);
        if (name === "span" && !/class\s*=\s*"?tg-spoiler/.test(tag)) {
          throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(input, index)}`);
        }
        open.push({ name, start: text.length, attributes: tag.slice(name.length) });
      }
      index = close + 1;
    } else if (char === "&") {
      const match = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(input.slice(index, index + 12));
      if (match) {
        text += decodeHtmlEntity(match[1]!);
        index += match[0].length;
      } else {
        text += char;
        index += 1;
      }
    } else {
      text += char;
      index += 1;
    }
  }
  const unclosed = open.pop();
  if (unclosed) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: sortEntities(entities) };
}

function htmlEntity(tag: OpenTag, length: number): WireEntity | undefined {
  if (length === 0) return undefined;
  const type = HTML_ENTITY_TYPES[tag.name]!;
  const entity: WireEntity = { type, offset: tag.start, length };
  if (tag.name === "a") {
    const href = /href\s*=\s*"([^"]*)"|href\s*=\s*'([^']*)'/.exec(tag.attributes);
    const url = href?.[1] ?? href?.[2];
    if (!url) return undefined;
    entity.url = url;
  }
  if (tag.name === "blockquote" && /\bexpandable\b/.test(tag.attributes)) entity.type = "expandable_blockquote";
  return entity;
}

function decodeHtmlEntity(name: string): string {
  const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
  const lower = name.toLowerCase();
  if (lower in named) return named[lower]!;
  const code = lower.startsWith("#x") ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
  return String.fromCodePoint(code);
}

const MARKDOWN_V2_RESERVED = new Set("_*[]()~`>#+-=|{}.!".split(""));
const MARKDOWN_V2_MARKERS: Record<string, string> = { "*": "bold", _: "italic", __: "underline", "~": "strikethrough", "||": "spoiler" };

function parseMarkdownV2(input: string): FormattedText {
  let text = "";
  const entities: WireEntity[] = [];
  const open: { marker: string; start: number; at: number }[] = [];
  let index = 0;
  while (index < input.length) {
    const char = input[index]!;
    const atLineStart = index === 0 || input[index - 1] === "\n";
    if (char === "\\") {
      const next = input[index + 1];
      if (next === undefined) throw cantParse(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      text += next;
      index += 2;
      continue;
    }
    if (char === "`") {
      const fence = input.startsWith("```", index);
      const opener = fence ? "```" : "`";
      const end = findUnescaped(input, opener, index + opener.length);
      if (end < 0) throw cantParse(`Can't find end of ${fence ? "Pre" : "Code"} entity at byte offset ${byteOffset(input, index)}`);
      let body = input.slice(index + opener.length, end);
      let language: string | undefined;
      if (fence) {
        const newline = body.indexOf("\n");
        if (newline >= 0) {
          language = body.slice(0, newline) || undefined;
          body = body.slice(newline + 1);
        }
      }
      const content = body.replace(/\\([`\\])/g, "$1");
      if (content.length > 0) {
        const entity: WireEntity = { type: fence ? "pre" : "code", offset: text.length, length: content.length };
        if (language) entity.language = language;
        entities.push(entity);
      }
      text += content;
      index = end + opener.length;
      continue;
    }
    if (char === "[") {
      open.push({ marker: "[", start: text.length, at: index });
      index += 1;
      continue;
    }
    if (char === "]" && open.at(-1)?.marker === "[") {
      const link = open.pop()!;
      const url = /^\(((?:\\.|[^)\\])*)\)/.exec(input.slice(index + 1));
      if (!url) throw cantParse(`Can't find end of a URL at byte offset ${byteOffset(input, index + 1)}`);
      const length = text.length - link.start;
      if (length > 0) entities.push({ type: "text_link", offset: link.start, length, url: url[1]!.replace(/\\(.)/g, "$1") });
      index += 1 + url[0].length;
      continue;
    }
    if (char === ">" && atLineStart) {
      // A quote marker; the emulator keeps the text and drops the quote styling.
      index += input[index + 1] === "*" && input[index + 2] === "*" ? 3 : 1;
      continue;
    }
    const marker = input.startsWith("__", index) ? "__" : input.startsWith("||", index) ? "||" : char;
    if (marker in MARKDOWN_V2_MARKERS) {
      const top = open.at(-1);
      if (top?.marker === marker) {
        open.pop();
        const length = text.length - top.start;
        if (length > 0) entities.push({ type: MARKDOWN_V2_MARKERS[marker]!, offset: top.start, length });
      } else {
        open.push({ marker, start: text.length, at: index });
      }
      index += marker.length;
      continue;
    }
    if (MARKDOWN_V2_RESERVED.has(char)) throw cantParse(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
    text += char;
    index += 1;
  }
  const unclosed = open.pop();
  if (unclosed) {
    const name = unclosed.marker === "[" ? "TextUrl" : entityDisplayName(MARKDOWN_V2_MARKERS[unclosed.marker]!);
    throw cantParse(`Can't find end of ${name} entity at byte offset ${byteOffset(input, unclosed.at)}`);
  }
  return { text, entities: sortEntities(entities) };
}

function entityDisplayName(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

function findUnescaped(input: string, token: string, from: number): number {
  for (let index = from; index < input.length; index += 1) {
    if (input[index] === "\\") {
      index += 1;
      continue;
    }
    if (input.startsWith(token, index)) return index;
  }
  return -1;
}

/** Telegram's original Markdown: *bold* _italic_ `code` ```pre``` [text](url), no escaping rules. */
function parseLegacyMarkdown(input: string): FormattedText {
  let text = "";
  const entities: WireEntity[] = [];
  let index = 0;
  const markers: Record<string, string> = { "*": "bold", _: "italic", "`": "code" };
  while (index < input.length) {
    const char = input[index]!;
    if (input.startsWith("```", index)) {
      const end = input.indexOf("```", index + 3);
      if (end < 0) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(input, index)}`);
      const content = input.slice(index + 3, end);
      if (content.length > 0) entities.push({ type: "pre", offset: text.length, length: content.length });
      text += content;
      index = end + 3;
    } else if (char in markers) {
      const end = input.indexOf(char, index + 1);
      if (end < 0) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(input, index)}`);
      const content = input.slice(index + 1, end);
      if (content.length > 0) entities.push({ type: markers[char]!, offset: text.length, length: content.length });
      text += content;
      index = end + 1;
    } else if (char === "[") {
      const link = /^\[([^\]]*)\]\(([^)]*)\)/.exec(input.slice(index));
      if (!link) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(input, index)}`);
      if (link[1]!.length > 0) entities.push({ type: "text_link", offset: text.length, length: link[1]!.length, url: link[2]! });
      text += link[1]!;
      index += link[0].length;
    } else if (char === "\\" && index + 1 < input.length && "*_`[".includes(input[index + 1]!)) {
      text += input[index + 1]!;
      index += 2;
    } else {
      text += char;
      index += 1;
    }
  }
  return { text, entities: sortEntities(entities) };
}

function sortEntities(entities: WireEntity[]): WireEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}
