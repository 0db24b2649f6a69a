import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { InvalidCursorError } from '../../ports/contact-records.js';

/** A query's last evaluated key as an opaque cursor: the key's string attributes, base64url JSON. */
export function encodeCursor(key: Record<string, AttributeValue> | undefined): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify(unmarshall(key)), 'utf8').toString('base64url');
}

/**
 * The start key a cursor names, after checking that it has exactly the attributes of the query's
 * keys, each a string that `accepts` takes: a cursor is only ever a place in the listing it came
 * from, never a way to start a query somewhere else. Throws InvalidCursorError otherwise.
 */
export function decodeCursor(
  cursor: string | undefined,
  accepts: (key: Record<string, string>) => boolean,
  attributes: readonly string[],
): Record<string, AttributeValue> | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw new InvalidCursorError();
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidCursorError();
  const entries = Object.entries(parsed);
  const key: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string') throw new InvalidCursorError();
    key[name] = value;
  }
  if (entries.length !== attributes.length || !attributes.every((name) => name in key) || !accepts(key))
    throw new InvalidCursorError();
  return marshall(key);
}
