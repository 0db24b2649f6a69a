import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Channel, Topic } from './consent.js';

/**
 * Signed link tokens (SPEC §3): HMAC-SHA256 over a small JSON payload, with a key id so that an
 * old key still verifies while a new one signs. Each token is scoped to one contact and one
 * purpose; a token for one purpose never passes as another.
 */

/** What a token may be used for. `unsubscribe` carries the scope it withdraws. */
export type TokenScope =
  | { purpose: 'preferences' }
  | { purpose: 'unsubscribe'; channel: Channel; topic: Topic | 'all' }
  | { purpose: 'subscription_confirm'; topics: Topic[] }
  | { purpose: 'privacy_confirm'; requestId: string };

export type TokenPurpose = TokenScope['purpose'];

/** A verified token's claims. */
export type TokenClaims = TokenScope & { contactId: string; expiresAt: number };

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
};

/** A token that does not verify, has expired, or was made for another purpose. */
export class InvalidTokenError extends Error {
  readonly reason: 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'wrong_purpose';

  constructor(reason: InvalidTokenError['reason']) {
    super(`Invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
    this.reason = reason;
  }
}

const VERSION = 'v1';

function sign(secret: string, signedPart: string): Buffer {
  return createHmac('sha256', secret).update(signedPart).digest();
}

/** Issues a token for one contact and one scope, valid from `nowMs` for the purpose's lifetime. */
export function issueToken(keyring: Keyring, contactId: string, scope: TokenScope, nowMs: number): string {
  const secret = keyring.secretFor(keyring.current);
  if (!secret) throw new Error(`Keyring has no key for its current id ${keyring.current}`);
  const claims: TokenClaims = {
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
  if (claims.purpose !== purpose) throw new InvalidTokenError('wrong_purpose');
  if (claims.expiresAt * 1000 <= nowMs) throw new InvalidTokenError('expired');
  return claims as Extract<TokenClaims, { purpose: P }>;
}

const SHORT_VERSION = 's1';
const SHORT_MAC_LENGTH = 11; // base64url characters: 66 bits of HMAC-SHA256
const DAY_MS = 24 * 3600 * 1000;

/**
 * A short preferences code for SMS, where every character costs: key id, contact id, issue day
 * and a truncated HMAC. It only leads to a fresh full preferences token, and lives as long as one.
 */
export function issueShortPreferencesCode(keyring: Keyring, contactId: string, nowMs: number): string {
  const secret = keyring.secretFor(keyring.current);
  if (!secret) throw new Error(`Keyring has no key for its current id ${keyring.current}`);
  const day = Math.floor(nowMs / DAY_MS).toString(36);
  const mac = sign(secret, `${SHORT_VERSION}|${contactId}|${day}`).toString('base64url').slice(0, SHORT_MAC_LENGTH);
  return `${keyring.current}.${contactId}.${day}.${mac}`;
}

/** Verifies a short preferences code in constant time and returns the contact it names. */
export function verifyShortPreferencesCode(keyring: Keyring, code: string, nowMs: number): { contactId: string } {
  const parts = code.split('.');
  if (parts.length !== 4) throw new InvalidTokenError('malformed');
  const [keyId = '', contactId = '', day = '', mac = ''] = parts;
  const secret = keyring.secretFor(keyId);
  if (!secret) throw new InvalidTokenError('unknown_key');
  const expected = Buffer.from(
    sign(secret, `${SHORT_VERSION}|${contactId}|${day}`).toString('base64url').slice(0, SHORT_MAC_LENGTH),
  );
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidTokenError('bad_signature');
  const issuedMs = parseInt(day, 36) * DAY_MS;
  if (!Number.isFinite(issuedMs) || issuedMs + TOKEN_LIFETIME_SECONDS.preferences * 1000 <= nowMs)
    throw new InvalidTokenError('expired');
  return { contactId };
}
