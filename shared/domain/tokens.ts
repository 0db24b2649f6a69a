import { createHmac, timingSafeEqual } from 'node:crypto';
import { CHANNELS, TOPICS } from './consent.js';
import type { Channel, Topic } from './consent.js';
import { SHORT_ADDRESS_TAG_LENGTH } from './address-key.js';

/**
 * Signed link tokens (SPEC §3): HMAC-SHA256 over a small JSON payload, with a key id so that an
 * old key still verifies while a new one signs. Each token is scoped to one contact and one
 * purpose; a token for one purpose never passes as another.
 */

/**
 * What a token may be used for. A preferences or unsubscribe link names the channel of the
 * message it came in, and a tag of the address it went to (`addressTag`): a contact holds at most
 * one address per channel, but staff may correct it, and the link governs the address it was sent
 * to alone (SPEC §2), never the one that replaced it. A subscription confirmation is tagged with
 * the email it went to. `unsubscribe` also carries the topic it withdraws.
 */
type BaseScope =
  | { purpose: 'preferences'; channel: Channel }
  | { purpose: 'unsubscribe'; channel: Channel; topic: Topic | 'all' }
  | { purpose: 'subscription_confirm'; topics: Topic[] }
  | { purpose: 'privacy_confirm'; requestId: string }
  | { purpose: 'privacy_export'; requestId: string };

/** The purposes whose links act on one address of a contact, and so are bound to it. */
export type AddressBoundPurpose = 'preferences' | 'unsubscribe' | 'subscription_confirm';

/**
 * What binds a link to its address: the address's tag; or, for a fresh token that stands for an
 * untagged short code of an older version, when that code was issued (seconds), so that it is
 * held to the rule of untagged links (valid only while the address has not changed since).
 */
export type AddressBinding = { tag: string } | { issuedAt: number };

/** A scope to issue a token for: an address-bound purpose must say which address. */
export type TokenScope = BaseScope extends infer S
  ? S extends { purpose: AddressBoundPurpose }
    ? S & AddressBinding
    : S
  : never;

export type TokenPurpose = BaseScope['purpose'];

/**
 * A verified token's claims. A token issued before links were tagged has neither `tag` nor
 * `issuedAt`: its address is the one the contact held when it was issued (`expiresAt` less the
 * purpose's lifetime).
 */
export type TokenClaims = (BaseScope extends infer S
  ? S extends { purpose: AddressBoundPurpose }
    ? S & { tag?: string; issuedAt?: number }
    : S
  : never) & { contactId: string; expiresAt: number };

/** Signing keys by id; `current` is the id that signs new tokens. */
export interface Keyring {
  current: string;
  /** The secret of a key id, or undefined for an unknown or retired id. */
  secretFor(keyId: string): string | undefined;
}

/** How long each purpose stays valid; SPEC §3 sets the floors. */
export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  preferences: 180 * 24 * 3600,
  unsubscribe: 400 * 24 * 3600,
  subscription_confirm: 7 * 24 * 3600,
  privacy_confirm: 7 * 24 * 3600,
  privacy_export: 7 * 24 * 3600,
};

/**
 * A token that does not verify, has expired, was made for another purpose, or is `outdated`: a
 * genuine token of an older format whose claims this version no longer accepts (a preferences
 * link from before links named their channel). `other_address`: a genuine link sent to an address
 * its contact no longer holds (`links.ts` checks it against the contact).
 */
export class InvalidTokenError extends Error {
  readonly reason: 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'wrong_purpose' | 'outdated' | 'other_address';

  constructor(reason: InvalidTokenError['reason']) {
    super(`Invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
    this.reason = reason;
  }
}

const VERSION = 'v1';

const isChannel = (value: unknown): value is Channel => CHANNELS.includes(value as Channel);
const isTopic = (value: unknown): value is Topic => TOPICS.includes(value as Topic);

/** The claims each purpose must carry; a signed payload without them was issued by an older version. */
/** An address binding, where a token has one, is well formed. */
const isBinding = (claims: Record<string, unknown>) =>
  (claims.tag === undefined || (typeof claims.tag === 'string' && /^[\w-]{8,16}$/.test(claims.tag))) &&
  (claims.issuedAt === undefined || Number.isInteger(claims.issuedAt));

const HAS_SCOPE: Record<TokenPurpose, (claims: Record<string, unknown>) => boolean> = {
  preferences: (claims) => isChannel(claims.channel) && isBinding(claims),
  unsubscribe: (claims) => isChannel(claims.channel) && (claims.topic === 'all' || isTopic(claims.topic)) && isBinding(claims),
  subscription_confirm: (claims) => Array.isArray(claims.topics) && claims.topics.every(isTopic) && isBinding(claims),
  privacy_confirm: (claims) => typeof claims.requestId === 'string',
  privacy_export: (claims) => typeof claims.requestId === 'string',
};

function sign(secret: string, signedPart: string): Buffer {
  return createHmac('sha256', secret).update(signedPart).digest();
}

/** Issues a token for one contact and one scope, valid from `nowMs` for the purpose's lifetime. */
export function issueToken(keyring: Keyring, contactId: string, scope: TokenScope, nowMs: number): string {
  const secret = keyring.secretFor(keyring.current);
  if (!secret) throw new Error(`Keyring has no key for its current id ${keyring.current}`);
  const claims = {
    ...scope,
    contactId,
    expiresAt: Math.floor(nowMs / 1000) + TOKEN_LIFETIME_SECONDS[scope.purpose],
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signedPart = `${VERSION}.${keyring.current}.${payload}`;
  return `${signedPart}.${sign(secret, signedPart).toString('base64url')}`;
}

/** Verifies a token for the expected purpose, in constant time, and returns its claims. */
export function verifyToken<P extends TokenPurpose>(
  keyring: Keyring,
  token: string,
  purpose: P,
  nowMs: number,
): Extract<TokenClaims, { purpose: P }> {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new InvalidTokenError('malformed');
  const [, keyId = '', payload = '', signature = ''] = parts;
  const secret = keyring.secretFor(keyId);
  if (!secret) throw new InvalidTokenError('unknown_key');
  const expected = sign(secret, `${VERSION}.${keyId}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidTokenError('bad_signature');
  }
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
  } catch (cause) {
    throw Object.assign(new InvalidTokenError('malformed'), { cause });
  }
  if (claims === null || typeof claims !== 'object') throw new InvalidTokenError('malformed');
  if (claims.purpose !== purpose) throw new InvalidTokenError('wrong_purpose');
  if (typeof claims.expiresAt !== 'number' || claims.expiresAt * 1000 <= nowMs) throw new InvalidTokenError('expired');
  const fields = claims as unknown as Record<string, unknown>;
  if (typeof fields.contactId !== 'string' || fields.contactId === '' || !HAS_SCOPE[purpose](fields))
    throw new InvalidTokenError('outdated');
  return claims as Extract<TokenClaims, { purpose: P }>;
}

const SHORT_VERSION = 's3';
/** The version before short codes carried an address tag: still verified, as an untagged link. */
const UNTAGGED_SHORT_VERSION = 's2';
const SHORT_MAC_LENGTH = 11; // base64url characters: 66 bits of HMAC-SHA256
const DAY_MS = 24 * 3600 * 1000;
/** One letter per channel in a short code, where every character costs. */
const SHORT_CHANNEL = { email: 'e', sms: 's' } as const satisfies Record<Channel, string>;

function shortMac(secret: string, signed: string[]): Buffer {
  return Buffer.from(sign(secret, signed.join('|')).toString('base64url').slice(0, SHORT_MAC_LENGTH));
}

/**
 * A short preferences code for SMS, where every character costs: key id, contact id, channel,
 * issue day, the first characters of the address tag, and a truncated HMAC over them all. It only
 * leads to a fresh full preferences token for the same contact, channel and address, and lives as
 * long as one.
 */
export function issueShortPreferencesCode(
  keyring: Keyring,
  contactId: string,
  channel: Channel,
  tag: string,
  nowMs: number,
): string {
  const secret = keyring.secretFor(keyring.current);
  if (!secret) throw new Error(`Keyring has no key for its current id ${keyring.current}`);
  const day = Math.floor(nowMs / DAY_MS).toString(36);
  const shortTag = tag.slice(0, SHORT_ADDRESS_TAG_LENGTH);
  const mac = shortMac(secret, [SHORT_VERSION, contactId, channel, day, shortTag]).toString();
  return `${keyring.current}.${contactId}.${SHORT_CHANNEL[channel]}.${day}.${shortTag}.${mac}`;
}

/**
 * Verifies a short preferences code in constant time and returns the contact, channel and address
 * binding it names: its tag, or for a code of the untagged five-part form, the day it was issued
 * (held to the rule of untagged links). A code of the older four-part form, which named no
 * channel, is `outdated`.
 */
export function verifyShortPreferencesCode(
  keyring: Keyring,
  code: string,
  nowMs: number,
): { contactId: string; channel: Channel } & AddressBinding {
  const parts = code.split('.');
  if (parts.length === 4) throw new InvalidTokenError('outdated');
  if (parts.length !== 5 && parts.length !== 6) throw new InvalidTokenError('malformed');
  const tagged = parts.length === 6;
  const [keyId = '', contactId = '', channelLetter = '', day = ''] = parts;
  const tag = tagged ? (parts[4] ?? '') : undefined;
  const mac = parts.at(-1) ?? '';
  const channel = CHANNELS.find((candidate) => SHORT_CHANNEL[candidate] === channelLetter);
  if (!channel || contactId === '' || (tag !== undefined && !/^[\w-]{8}$/.test(tag))) throw new InvalidTokenError('malformed');
  const secret = keyring.secretFor(keyId);
  if (!secret) throw new InvalidTokenError('unknown_key');
  const expected =
    tag === undefined
      ? shortMac(secret, [UNTAGGED_SHORT_VERSION, contactId, channel, day])
      : shortMac(secret, [SHORT_VERSION, contactId, channel, day, tag]);
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidTokenError('bad_signature');
  const issuedMs = parseInt(day, 36) * DAY_MS;
  if (!Number.isFinite(issuedMs) || issuedMs + TOKEN_LIFETIME_SECONDS.preferences * 1000 <= nowMs)
    throw new InvalidTokenError('expired');
  return tag === undefined ? { contactId, channel, issuedAt: issuedMs / 1000 } : { contactId, channel, tag };
}
