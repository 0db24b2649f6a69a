import type { SendRef } from '../../ports/send-ledger.js';

/** The SES message tag that carries a send's key to its `Send` event. */
export const SEND_TAG_NAME = 'forecourt-send';

/** SES allows tag values of at most 256 characters, from `[A-Za-z0-9_-]` alone. */
const MAX_TAG_LENGTH = 256;

/**
 * The tag value naming one send record: its contact and dedupe key, base64url-encoded (SES tag
 * values allow no `#` or `:`). Undefined when it would not fit, and the send goes untagged: the
 * lease alone then guards it, as for SMS.
 */
export function sendTag(ref: SendRef): string | undefined {
  const value = Buffer.from(`${ref.contactId}\n${ref.dedupeKey}`, 'utf8').toString('base64url');
  return value.length <= MAX_TAG_LENGTH ? value : undefined;
}

/** The send record a tag names, or undefined for a value no sender wrote. */
export function sendRefOf(tag: string): SendRef | undefined {
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(tag)) return undefined;
  const decoded = Buffer.from(tag, 'base64url').toString('utf8');
  const newline = decoded.indexOf('\n');
  if (newline <= 0 || newline === decoded.length - 1) return undefined;
  return { contactId: decoded.slice(0, newline), dedupeKey: decoded.slice(newline + 1) };
}
