import { describe, expect, it } from '@jest/globals';
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
    const token = issueToken(keyring, 'contact-1', { purpose: 'unsubscribe', channel: 'email', topic: 'newsletter' }, NOW);
    // Act
    const claims = verifyToken(keyring, token, 'unsubscribe', NOW + 1000);
    // Assert
    expect(claims).toMatchObject({ contactId: 'contact-1', purpose: 'unsubscribe', channel: 'email', topic: 'newsletter' });
    expect(token.split('.')[1]).toBe('k1');
  });

  it('names the channel of the address a preferences link was sent to', () => {
    // Arrange
    const token = issueToken(keyring, 'contact-1', { purpose: 'preferences', channel: 'sms' }, NOW);
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
    const token = issueToken(keyring, 'contact-1', { purpose: 'preferences', channel: 'email' }, NOW);
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
    const token = issueToken(foreign, 'contact-1', { purpose: 'preferences', channel: 'email' }, NOW);
    expect(reasonOf(() => verifyToken(keyring, token, 'preferences', NOW))).toBe('bad_signature');
  });

  it('rejects a token used for another purpose', () => {
    const token = issueToken(keyring, 'contact-1', { purpose: 'preferences', channel: 'email' }, NOW);
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
    const unsubscribe = issueToken(keyring, 'c', { purpose: 'unsubscribe', channel: 'email', topic: 'all' }, NOW);
    expect(() => verifyToken(keyring, unsubscribe, 'unsubscribe', NOW + 365 * DAY_MS)).not.toThrow();
  });

  it('expires a confirmation token after 7 days', () => {
    const token = issueToken(keyring, 'c', { purpose: 'subscription_confirm', topics: ['newsletter'] }, NOW);
    expect(() => verifyToken(keyring, token, 'subscription_confirm', NOW + 7 * DAY_MS - 1000)).not.toThrow();
    expect(reasonOf(() => verifyToken(keyring, token, 'subscription_confirm', NOW + 7 * DAY_MS))).toBe('expired');
  });

  it('verifies tokens of an older key after rotation, until that key is retired', () => {
    // Arrange
    const before = issueToken(keyring, 'c', { purpose: 'preferences', channel: 'email' }, NOW);
    const rotated = parseAppSecret(secret('k2')).keyring;
    const retired = parseAppSecret(secret('k2', { retired: ['k1'] })).keyring;
    // Act
    const after = issueToken(rotated, 'c', { purpose: 'preferences', channel: 'email' }, NOW);
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

  it('round-trips the contact and channel in a code short enough for a text', () => {
    // Arrange / Act
    const code = issueShortPreferencesCode(keyring, '01M885VKXWGCVP959BPCAD0WZF', 'sms', NOW);
    // Assert: key id, 26-character ULID, channel letter, issue day and an 11-character MAC
    expect(code.length).toBeLessThanOrEqual(52);
    expect(verifyShortPreferencesCode(keyring, code, NOW + DAY_MS)).toEqual({
      contactId: '01M885VKXWGCVP959BPCAD0WZF',
      channel: 'sms',
    });
    expect(verifyShortPreferencesCode(keyring, issueShortPreferencesCode(keyring, 'c', 'email', NOW), NOW)).toEqual({
      contactId: 'c',
      channel: 'email',
    });
  });

  it('rejects a code for another contact or channel, a foreign key and an expired code', () => {
    const code = issueShortPreferencesCode(keyring, 'contact-a', 'sms', NOW);
    const [keyId, , channel, day, mac] = code.split('.');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.contact-b.${channel}.${day}.${mac}`, NOW))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.contact-a.e.${day}.${mac}`, NOW))).toBe('bad_signature');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.contact-a.x.${day}.${mac}`, NOW))).toBe('malformed');
    const foreign = parseAppSecret(JSON.stringify({ seed: 'z'.repeat(40), current: 'k1' })).keyring;
    expect(reasonOf(() => verifyShortPreferencesCode(foreign, code, NOW))).toBe('bad_signature');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, code, NOW + 181 * DAY_MS))).toBe('expired');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, 'garbage', NOW))).toBe('malformed');
  });

  it('refuses a code of the older four-part form, which named no channel, as outdated', () => {
    const [keyId, contactId, , day, mac] = issueShortPreferencesCode(keyring, 'contact-a', 'sms', NOW).split('.');
    expect(reasonOf(() => verifyShortPreferencesCode(keyring, `${keyId}.${contactId}.${day}.${mac}`, NOW))).toBe('outdated');
  });
});
