import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ContactKeys } from '../ports/address-book.js';
import type { Channel } from './consent.js';

/**
 * A salted hash of an address (normalised email or E.164 phone). Lookup and suppression items are
 * keyed by it, so the table's keys never hold a raw address and a suppression outlives erasure.
 */
export function addressKey(salt: string, channel: Channel, address: string): string {
  return createHmac('sha256', saltKey(salt)).update(`${channel}:${address}`).digest('base64url');
}

/** The salt as a key object, made once per salt: a string key is converted again on every HMAC. */
const saltKeys = new Map<string, KeyObject>();

function saltKey(salt: string): KeyObject {
  let key = saltKeys.get(salt);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(salt, 'utf8'));
    // Salts come from the app secret (one, or two across a rotation); the bound only guards against misuse.
    if (saltKeys.size >= 8) saltKeys.clear();
    saltKeys.set(salt, key);
  }
  return key;
}

/** How many characters of an address tag a full link token carries. */
export const ADDRESS_TAG_LENGTH = 16;
/** How many an SMS short code carries, where every character costs (48 bits: the code's MAC covers it). */
export const SHORT_ADDRESS_TAG_LENGTH = 8;

/**
 * The address tag a link carries (SPEC §2 "A link governs only the address it was sent to"): a
 * keyed digest of the address the message went to, never the address, and not its lookup key. A
 * link whose tag does not name the address its contact holds now was sent to another address.
 */
export function addressTag(salt: string, channel: Channel, address: string): string {
  return createHmac('sha256', saltKey(salt))
    .update(`link-tag:${channel}:${address}`)
    .digest('base64url')
    .slice(0, ADDRESS_TAG_LENGTH);
}

/** True when a tag (full, or an SMS code's shorter one) names this address; compared in constant time. */
export function tagNamesAddress(tag: string, salt: string, channel: Channel, address: string): boolean {
  if (tag.length < SHORT_ADDRESS_TAG_LENGTH || tag.length > ADDRESS_TAG_LENGTH) return false;
  const given = Buffer.from(tag);
  const expected = Buffer.from(addressTag(salt, channel, address).slice(0, tag.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The lookup keys of the addresses a form gave: its email (normalised) and its phone (E.164). */
export function contactKeysOf(salt: string, email: string | undefined, phone: string | undefined): ContactKeys {
  const keys: ContactKeys = {};
  if (email) keys.emailKey = addressKey(salt, 'email', email);
  if (phone) keys.phoneKey = addressKey(salt, 'sms', phone);
  return keys;
}
