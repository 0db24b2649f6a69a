import type { MiddlewareObj } from '@middy/core';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../domain/errors.js';
import { header, mediaType } from './headers.js';
import type { BodyType, HttpEvent, HttpResult } from './types.js';

const MEDIA_TYPES: Record<BodyType, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  text: 'text/plain',
};

/** Public bodies are capped at 16 KiB (SPEC §3). */
export const PUBLIC_BODY_LIMIT_BYTES = 16 * 1024;

/** Trims every string in a parsed body, at any depth: SPEC §3 trims before validation. */
export function trimStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.map(trimStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, trimStrings(inner)]));
  }
  return value;
}

function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = fields[key];
    // A repeated field becomes a list, which every string field's schema rejects.
    fields[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return fields;
}

/**
 * Parses the body by its Content-Type into `event.parsedBody`: 413 over the limit, 415 for a type
 * the route does not take, 400 `malformed_body` when it does not parse.
 */
export function parseBody(options: { accept: readonly BodyType[]; maxBytes?: number }): MiddlewareObj<HttpEvent, HttpResult> {
  const maxBytes = options.maxBytes ?? PUBLIC_BODY_LIMIT_BYTES;
  return {
    before: (request) => {
      const { event } = request;
      if (event.httpMethod === 'GET' || event.httpMethod === 'OPTIONS') return;
      const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
      if (raw.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
      // No body at all is left to the route's schema (a one-click unsubscribe may send none).
      if (raw.byteLength === 0) return;
      const type = mediaType(header(event, 'content-type'));
      const bodyType = options.accept.find((candidate) => MEDIA_TYPES[candidate] === type);
      if (!bodyType) throw new UnsupportedMediaTypeError(options.accept.map((candidate) => MEDIA_TYPES[candidate]));
      const text = raw.toString('utf8');
      event.bodyType = bodyType;
      if (bodyType === 'text') {
        event.parsedBody = text;
      } else if (bodyType === 'form') {
        event.parsedBody = trimStrings(parseForm(text));
      } else {
        try {
          event.parsedBody = trimStrings(JSON.parse(text));
        } catch (cause) {
          throw new MalformedBodyError({ cause });
        }
      }
    },
  };
}
