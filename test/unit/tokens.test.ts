import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { addressKey, addressTag, tagNamesAddress } from '../../shared/domain/address-key.js';
import { parseAppSecret } from '../../shared/domain/app-secrets.js';
import {
  InvalidTokenError,
  TOKEN_LIFETIME_SECONDS,
  issueShortPreferencesCode,
  issueToken,
  verifyShortPreferencesCode,
  verifyToken,
} from '../../shared/domain/tokens.js';
import type { TokenScope } from '../../shared/domain/tokens.js';

const secret = (current: string, extra: object = {}) => JSON.stringify({ seed: 's'.repeat(40), current, ...extra });
const NOW = Date.parse('2026-01-01T00:00:00Z');
const DAY_MS = 24 * 3600 * 1000;
const TAG = 'tagOfTheAddress1';

function reasonOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('link tokens', () => {
  const { keyring } = parseAppSecret(secret('k1'));

  it('round-trips the contact and scope it was issued for', () => {
    // Arrange
    const token = issueToken(
      keyring,
      'contact-1',
      { purpose: 'unsubscribe', channel: 'email', topic: 'newsletter', tag: TAG },
      NOW,
    );
    // Act
    const claims = verifyToken(keyring, token, 'unsubscribe', NOW + 1000);
    // Assert
    expect(claims).toMatchObject({
      contactId: 'contact-1',
      purpose: 'unsubscribe',
      channel: 'email',
      topic: 'newsletter',
      tag: TAG,
    });
    expect(token.split('.')[1]).toBe('k1');
  });

  it('names the channel of the address a preferences link was sent to', () => {
    // Arrange
    const token = issueToken(keyring, 'contact-1', { purpose: 'preferences', channel: 'sms', tag: TAG }, NOW);
    // Act
    const claims = verifyToken(keyring, token, 'preferences', NOW + 1000);
    // Assert
    expect(claims).toMatchObject({ contactId: 'contact-1', purpose: 'preferences', channel: 'sms' });
  });

  it('refuses a genuine preferences token of the older format, which named no channel, as outdated', () => {
    // Arrange: what the previous version issued, signed with the same key
    const older = issueToken(keyring, 'contact-1', { purpose: 'preferences' } as unknown as TokenScope, NOW);
    // Act / Assert
    expect(reasonOf(() => verifyToken(keyring, older, 'preferences', NOW + 1000))).toBe('outdated');
  });

  it.each([
    ['a preferences token for an unknown channel', { purpose: 'preferences', channel: 'fax' }, 'preferences'],
    ['an unsubscribe token without a channel', { purpose: 'unsubscribe', topic: 'all' }, 'unsubscribe'],
    ['an unsubscribe token for an unknown topic', { purpose: 'unsubscribe', channel: 'email', topic: 'gossip' }, 'unsubscribe'],
  ] as const)('refuses %s, even when it is signed', (_, scope, purpose) => {
    const token = issueToken(keyring, 'contact-1', scope as unknown as TokenScope, NOW);
    expect(reasonOf(() => verifyToken(keyring, token, purpose, NOW))).toBe('outdated');
  });

  it('rejects a token whose payload was changed', () => {
    const token = issueToken(keyring, 'contact-1', { purpose: 'preferences', channel: 'email', tag: TAG }, NOW);
    const [version, keyId, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ purpose: 'preferences', channel: 'email', contactId: 'contact-2', expiresAt: 9e9 }),
    ).toString('base64url');
    expect(reasonOf(() => verifyToken(keyring, `${version}.${keyId}.${forged}.${signature}`, 'preferences', NOW))).toBe(
      'bad_signature',
    );
  });

  it('rejects a token signed with another secret', () => {
    const foreign = parseAppSecret(JSON.stringify({ seed: 'x'.repeat(40), current: 'k1' })).keyring;
    const token = issueToken(foreign, 'contact-1', { purpose: 'preferences', channel: 'email', tag: TAG }, NOW);
    expect(reasonOf(() => verifyToken(keyring, token, 'preferences', NOW))).toBe('bad_signature');
  });

  it('rejects a token used for another purpose', () => {
    const token = issueToken(keyring, 'contact-1', { purpose: 'preferences', channel: 'email', tag: TAG }, NOW);
    expect(reasonOf(() => verifyToken(keyring, token, 'unsubscribe', NOW))).toBe('wrong_purpose');
  });

  it('rejects malformed tokens', () => {
    for (const bad of ['', 'abc', 'v1.k1.x', 'v2.k1.a.b', 'v1.k1.!!!.???']) {
      expect(reasonOf(() => verifyToken(keyring, bad, 'preferences', NOW))).toMatch(/malformed|bad_signature/);
    }
  });

  it('keeps unsubscribe links valid for at least a year and preference links for at least 90 days', () => {
    expect(TOKEN_LIFETIME_SECONDS.unsubscribe).toBeGreaterThanOrEqual(365 * 24 * 3600);
    expect(TOKEN_LIFETIME_SECONDS.preferences).toBeGreaterThanOrEqual(90 * 24 * 3600);
    const unsubscribe = issueToken(keyring, 'c', { purpose: 'unsubscribe', channel: 'email', topic: 'all', tag: TAG }, NOW);
    expect(() => verifyToken(keyring, unsubscribe, 'unsubscribe', NOW + 365 * DAY_MS)).not.toThrow();
  });

  it('expires a confirmation token after 7 days', () => {
    const token = issueToken(keyring, 'c', { purpose: 'subscription_confirm', topics: ['newsletter'], tag: TAG }, NOW);
    expect(() => verifyToken(keyring, token, 'subscription_confirm', NOW + 7 * DAY_MS - 1000)).not.toThrow();
    expect(reasonOf(() => verifyToken(keyring, token, 'subscription_confirm', NOW + 7 * DAY_MS))).toBe('expired');
  });

  it('verifies tokens of an older key after rotation, until that key is retired', () => {
    // Arrange
    const before = issueToken(keyring, 'c', { purpose: 'preferences', channel: 'email', tag: TAG }, NOW);
    const rotated = parseAppSecret(secret('k2')).keyring;
    const retired = parseAppSecret(secret('k2', { retired: ['k1'] })).keyring;
    // Act
    const after = issueToken(rotated, 'c', { purpose: 'preferences', channel: 'email', tag: TAG }, NOW);
    // Assert
    expect(after.split('.')[1]).toBe('k2');
    expect(() => verifyToken(rotated, before, 'preferences', NOW)).not.toThrow();
    expect(reasonOf(() => verifyToken(retired, before, 'preferences', NOW))).toBe('unknown_key');
  });
});

describe('parseAppSecret', () => {
  it('derives an address salt that does not change when the token key rotates', () => {
    expect(parseAppSecret(secret('k1')).addressSalt).toBe(parseAppSecret(secret('k9')).addressSalt);
  });

  it('refuses a secret without a long enough seed', () => {
    expect(() => parseAppSecret(JSON.stringify({ seed: 'short', current: 'k1' }))).toThrow(/seed/);
  });
});

describe('short preferences codes', () => {
  const { keyring } = parseAppSecret(secret('k1'));
  const SHORT_TAG = TAG.slice(0, 8);

  /** A code as the version before address tags issued it: five parts, its MAC over no tag. */
  function untaggedCode(contactId: string, channelLetter: 'e' | 's', atMs: number): string {
    const day = Math.floor(atMs / DAY_MS).toString(36);
    const channel = channelLetter === 'e' ? 'email' : 'sms';
    const mac = createHmac('sha256', keyring.secretFor('k1') ?? '')
      .update(`s2|${contactId}|${channel}|${day}`)
      .digest('base64url')
      .slice(0, 11);
    return `k1.${contactId}.${channelLetter}.${day}.${mac}`;
  }

  it('round-trips the contact, channel and address tag in a code short enough for a text', () => {
    // Arrange / Act
    const code = issueShortPreferencesCode(keyring, '01M885VKXWGCVP959BPCAD0WZF', 'sms', TAG, NOW);
    // Assert: key id, 26-character ULID, channel letter, issue day, an 8-character tag and an 11-character MAC
    expect(code.length).toBeLessThanOrEqual(61);
    expect(code).not.toContain(TAG);
    expect(verifyShortPreferencesCode(keyring, code, NOW + DAY_MS)).toEqual({
      contactId: '01M885VKXWGCVP959BPCAD0WZF',
      channel: 'sms',
      tag: SHORT_TAG,
    });
    expect(verifyShortPreferencesCode(keyring, issueShortPreferencesCode(keyring, 'c', 'email', TAG, NOW), NOW)).toEqual({
      contactId: 'c',
      channel: 'email',
      tag: SHORT_TAG,
    });
  });

  it('rejects a code for another contact, channel or address tag, a foreign key and an expired code', () => {
    const code = issueShortPreferencesCode(keyring, 'contact-a', 'sms', TAG, NOW);
    const [keyId, , channel, day, tag, mac] = code.split('.');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.contact-b.${channel}.${day}.${tag}.${mac}`, NOW))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.contact-a.e.${day}.${tag}.${mac}`, NOW))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.contact-a.${channel}.${day}.otherTag.${mac}`, NOW))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.contact-a.${channel}.${day}.${mac}`, NOW))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.contact-a.x.${day}.${tag}.${mac}`, NOW))).toBe(
      'malformed',
    );
    const foreign = parseAppSecret(JSON.stringify({ seed: 'z'.repeat(40), current: 'k1' })).keyring;
    expect(reasonOf(() => verifyShortPreferencesCode(foreign, code, NOW))).toBe('bad_signature');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, code, NOW + 181 * DAY_MS))).toBe('expired');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, 'garbage', NOW))).toBe('malformed');
  });

  it('still verifies an untagged code of the previous version, naming the day it was issued instead of a tag', () => {
    const code = untaggedCode('contact-a', 's', NOW);
    expect(verifyShortPreferencesCode(keyring, code, NOW + DAY_MS)).toEqual({
      contactId: 'contact-a',
      channel: 'sms',
      issuedAt: Math.floor(NOW / DAY_MS) * (DAY_MS / 1000),
    });
  });

  it('refuses a code of the older four-part form, which named no channel, as outdated', () => {
    const [keyId, contactId, , day, , mac] = issueShortPreferencesCode(keyring, 'contact-a', 'sms', TAG, NOW).split('.');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.${contactId}.${day}.${mac}`, NOW))).toBe('outdated');
  });
});

describe('address tags', () => {
  const { keyring, addressSalt } = parseAppSecret(secret('k1'));
  const EMAIL = 'pat@example.com';

  it('tags an address with a keyed digest that is neither the address nor its lookup key', () => {
    const tag = addressTag(addressSalt, 'email', EMAIL);
    expect(tag).toMatch(/^[\w-]{16}$/);
    expect(tag).not.toContain('pat');
    expect(addressKey(addressSalt, 'email', EMAIL).startsWith(tag)).toBe(false);
    expect(addressTag(addressSalt, 'email', 'pat2@example.com')).not.toBe(tag);
    expect(addressTag(addressSalt, 'sms', EMAIL)).not.toBe(tag);
    expect(
      addressTag(parseAppSecret(JSON.stringify({ seed: 'y'.repeat(40), current: 'k1' })).addressSalt, 'email', EMAIL),
    ).not.toBe(tag);
  });

  it('matches a full tag, or the eight-character tag of an SMS code, only against its own address', () => {
    const tag = addressTag(addressSalt, 'sms', '+12025550143');
    expect(tagNamesAddress(tag, addressSalt, 'sms', '+12025550143')).toBe(true);
    expect(tagNamesAddress(tag.slice(0, 8), addressSalt, 'sms', '+12025550143')).toBe(true);
    expect(tagNamesAddress(tag, addressSalt, 'sms', '+12025550199')).toBe(false);
    expect(tagNamesAddress(tag.slice(0, 7), addressSalt, 'sms', '+12025550143')).toBe(false);
    expect(tagNamesAddress('', addressSalt, 'sms', '+12025550143')).toBe(false);
    expect(tagNamesAddress('é'.repeat(8), addressSalt, 'sms', '+12025550143')).toBe(false);
  });

  it('carries the tag in a signed token: a token whose tag was swapped for another address fails its signature', () => {
    const token = issueToken(
      keyring,
      'c',
      { purpose: 'preferences', channel: 'email', tag: addressTag(addressSalt, 'email', EMAIL) },
      NOW,
    );
    const [version, keyId, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const swapped = Buffer.from(JSON.stringify({ ...claims, tag: addressTag(addressSalt, 'email', 'new@example.com') })).toString(
      'base64url',
    );
    expect(reasonOf(() => verifyToken(keyring, `${version}.${keyId}.${swapped}.${signature}`, 'preferences', NOW))).toBe(
      'bad_signature',
    );
  });

  it('still accepts a signed token without a tag (issued before tags), and refuses a signed one with a malformed tag', () => {
    const untagged = issueToken(
      keyring,
      'c',
      { purpose: 'unsubscribe', channel: 'email', topic: 'all' } as unknown as TokenScope,
      NOW,
    );
    expect(verifyToken(keyring, untagged, 'unsubscribe', NOW).tag).toBeUndefined();
    const badTag = issueToken(keyring, 'c', { purpose: 'preferences', channel: 'email', tag: 'pat@example.com' }, NOW);
    expect(reasonOf(() => verifyToken(keyring, badTag, 'preferences', NOW))).toBe('outdated');
  });
});
