import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { normaliseEmail, toE164 } from '../../shared/domain/contact.js';
import { maskEmail, maskPhone } from '../../shared/domain/masking.js';
import { nanpMetadata } from '../../shared/domain/phone-metadata-subset.js';

describe('normalisation', () => {
  it('finds a contact again by its trimmed, lower-cased email', () => {
    expect(normaliseEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  });

  it.each([
    ['(202) 555-0143', '+12025550143'],
    ['202.555.0143', '+12025550143'],
    ['+1 416 555 0199', '+14165550199'],
    ['1-800-555-0100', '+18005550100'],
  ])('stores %s as %s', (typed, e164) => {
    expect(toE164(typed)).toBe(e164);
  });

  it.each(['555-0143', '(555) 201-0123', '+44 20 7946 0958', 'call me', ''])('rejects %s', (typed) => {
    expect(toE164(typed)).toBeUndefined();
  });

  it('ships phone metadata equal to the +1 part of the installed libphonenumber-js', () => {
    const shipped: unknown = JSON.parse(
      readFileSync(new URL('../../shared/domain/phone-metadata.json', import.meta.url), 'utf8'),
    );
    expect(shipped).toEqual(nanpMetadata());
  });
});

describe('masking', () => {
  it('masks email and phone as the marketing role sees them', () => {
    expect(maskEmail('jane@example.com')).toBe('j***@example.com');
    expect(maskPhone('+12025554567')).toBe('+1******4567');
  });
});

describe('redacting log text', () => {
  it('masks addresses and phone numbers inside provider messages', async () => {
    const { redactContactDetails } = await import('../../shared/domain/masking.js');
    const text = redactContactDetails('Email address is not verified: jane.doe@example.com; number +1 (202) 555-0143 opted out');
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain('555-0143');
    expect(text).toContain('j***@example.com');
    expect(text).toContain('+1******0143');
  });
});
