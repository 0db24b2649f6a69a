import type { MiddlewareObj } from '@middy/core';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors.js';
import { header, mediaType } from './headers.js';
import type { BodyType, HttpEvent, HttpResult } from './types.js';

const MEDIA_TYPES: Record<BodyType, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  multipart: 'multipart/form-data',
  text: 'text/plain',
};

/** Public bodies are capped at 16 KiB (SPEC §3). */
export const PUBLIC_BODY_LIMIT_BYTES = 16 * 1024;

/** Decodes strictly: bytes that are not UTF-8 throw instead of silently becoming U+FFFD. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What no string in a parsed body may hold. U+FFFD is the trace of bytes that were not UTF-8 where
 * something decoded them leniently before us: a gateway that hands the body over as text, a
 * form's `%FF`, a multipart part. A lone surrogate (`"\ud800"` in JSON) has no UTF-8 form at all.
 */
const UNDECODABLE = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function decodeUtf8(raw: Buffer): string {
  try {
    return strictUtf8.decode(raw);
  } catch (cause) {
    throw new MalformedBodyError({ cause });
  }
}

/** The body is not text that UTF-8 can carry (see UNDECODABLE). */
class UndecodableBodyError extends Error {
  constructor() {
    super('A string in the body is not text that UTF-8 can carry');
    this.name = 'UndecodableBodyError';
  }
}

/**
 * Trims every string in a parsed body, at any depth (SPEC §3 trims before validation), and, when
 * `check` is set, checks that each string, keys included, is text that UTF-8 can carry: one walk
 * over the body for both.
 */
function trimDecodable(value: unknown, check: boolean): unknown {
  if (typeof value === 'string') {
    if (check && UNDECODABLE.test(value)) throw new UndecodableBodyError();
    return value.trim();
  }
  if (Array.isArray(value)) return value.map((item) => trimDecodable(item, check));
  if (value !== null && typeof value === 'object') {
    const trimmed: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (check && UNDECODABLE.test(key)) throw new UndecodableBodyError();
      trimmed[key] = trimDecodable((value as Record<string, unknown>)[key], check);
    }
    return trimmed;
  }
  return value;
}

/**
 * Whether the strings of a JSON body must be checked one by one after parsing: only when the text
 * holds a `\u` escape, which can spell a lone surrogate or U+FFFD that the text itself does not
 * show. Otherwise every string is a piece of the text, so one look at the whole text does.
 */
function jsonNeedsStringChecks(text: string): boolean {
  if (text.includes('\\u')) return true;
  if (UNDECODABLE.test(text)) throw new UndecodableBodyError();
  return false;
}

/** True when every string in a parsed body, keys included, is text that UTF-8 can carry. */
function isDecodable(value: unknown): boolean {
  if (typeof value === 'string') return !UNDECODABLE.test(value);
  if (Array.isArray(value)) return value.every(isDecodable);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).every(([key, inner]) => !UNDECODABLE.test(key) && isDecodable(inner));
  }
  return true;
}

function collectFields(entries: Iterable<[string, string]>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of entries) {
    const existing = fields[key];
    // A repeated field becomes a list, which every string field's schema rejects.
    fields[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return fields;
}

function parseForm(text: string): Record<string, string | string[]> {
  return collectFields(new URLSearchParams(text));
}

/** A multipart/form-data body's text fields (the fetch API's own parser); a file part is a 400. */
async function parseMultipart(raw: Buffer, contentType: string): Promise<Record<string, string | string[]>> {
  let parsed: FormData;
  try {
    parsed = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  } catch (cause) {
    throw new MalformedBodyError({ cause });
  }
  const entries: [string, string][] = [];
  for (const [key, value] of parsed) {
    if (typeof value !== 'string') throw new ValidationError([{ path: key, message: 'must be a text field, not a file' }]);
    entries.push([key, value]);
  }
  return collectFields(entries);
}

/**
 * Parses the body by its Content-Type into `event.parsedBody`: 413 over the limit, 415 for a type
 * the route does not take, 400 `malformed_body` when it does not parse or is not UTF-8 text. An
 * empty body is left to the route (a one-click unsubscribe may send none, and a browser form with
 * no ticked box sends nothing): it gets the body type its Content-Type names, if the route takes
 * that type, and an empty form (urlencoded or multipart) parses as no fields.
 */
export function parseBody(options: { accept: readonly BodyType[]; maxBytes?: number }): MiddlewareObj<HttpEvent, HttpResult> {
  const maxBytes = options.maxBytes ?? PUBLIC_BODY_LIMIT_BYTES;
  // Synchronous but for a multipart body: middy awaits whatever `before` returns, and an async
  // function's promise costs a few microtask turns on every request.
  return {
    before: (request) => {
      const { event } = request;
      if (event.httpMethod === 'GET' || event.httpMethod === 'OPTIONS') return;
      // A text body (API Gateway's usual) is measured, not copied; only a base64 one is decoded to bytes.
      const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : undefined;
      const body = event.body ?? '';
      // A UTF-16 code unit is at most three UTF-8 bytes, so a short text body needs no count.
      const byteLength = raw ? raw.byteLength : body.length * 3 <= maxBytes ? body.length : Buffer.byteLength(body, 'utf8');
      if (byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
      const contentType = header(event, 'content-type');
      const type = mediaType(contentType);
      const bodyType = options.accept.find((candidate) => MEDIA_TYPES[candidate] === type);
      if (byteLength === 0) {
        if (bodyType) event.bodyType = bodyType;
        if (bodyType === 'form' || bodyType === 'multipart') event.parsedBody = {};
        return;
      }
      if (!bodyType) throw new UnsupportedMediaTypeError(options.accept.map((candidate) => MEDIA_TYPES[candidate]));
      event.bodyType = bodyType;
      // A multipart body may carry a binary file part, which parseMultipart refuses by name.
      if (bodyType === 'multipart') {
        return parseMultipart(raw ?? Buffer.from(body, 'utf8'), contentType ?? '').then((parsed) => {
          event.parsedBody = trimmedDecodable(parsed);
        });
      }
      const text = raw ? decodeUtf8(raw) : body;
      if (bodyType === 'text') {
        if (!isDecodable(text)) throw new MalformedBodyError();
        event.parsedBody = text;
        return;
      }
      if (bodyType === 'form') {
        event.parsedBody = trimmedDecodable(parseForm(text));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw new MalformedBodyError({ cause });
      }
      event.parsedBody = trimmedDecodable(parsed, text);
    },
  };
}

/**
 * `trimDecodable` with every string checked, or for a JSON body (`jsonText`) only as
 * `jsonNeedsStringChecks` says; an undecodable string is answered as a malformed body.
 */
function trimmedDecodable(parsed: unknown, jsonText?: string): unknown {
  try {
    return trimDecodable(parsed, jsonText === undefined || jsonNeedsStringChecks(jsonText));
  } catch (cause) {
    if (cause instanceof UndecodableBodyError) throw new MalformedBodyError({ cause });
    throw cause;
  }
}
