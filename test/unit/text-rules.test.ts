import { describe, expect, it } from '@jest/globals';
import { inquirySchema, inquirySchemaFor } from '../../functions/inquiries/schema.js';
import { subscriptionSchema } from '../../functions/subscriptions/schema.js';
import { smsReachability, toE164 } from '../../shared/domain/contact.js';
import { containsWebAddress, forbiddenCharacterIn, MESSAGE_TEXT, NAME_TEXT, textProblem } from '../../shared/domain/text.js';
import { toDetails } from '../../shared/http/validate.js';

/** Each class of character SPEC §3 refuses in free text, with one or more members. */
const REFUSED_EVERYWHERE: [string, string[]][] = [
  ['a C0 control', ['\u0000', '\u0007', '\u001b', '\u001f']],
  ['DEL', ['\u007f']],
  ['a C1 control, NEL included', ['\u0080', '\u0085', '\u009f']],
  ['a bidirectional override or embedding', ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e']],
  ['a bidirectional isolate', ['\u2066', '\u2067', '\u2068', '\u2069']],
  ['a bidirectional mark', ['\u200e', '\u200f', '\u061c']],
  ['a zero-width character', ['\u200b', '\u200c', '\u200d', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\ufeff']],
  ['another invisible format character', ['\u00ad', '\u180e', '\ufff9', '\u{e0041}']],
  ['a line or paragraph separator', ['\u2028', '\u2029']],
  ['a lone surrogate', ['\ud800', '\udfff']],
  ['a character that renders as blank', ['\u3164', '\u115f', '\u1160', '\uffa0', '\u034f', '\u2800', '\u17b4']],
];

const codePointOf = (character: string) => `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The details a schema gives for a body, as validate() would send them. */
function detailsOf(
  schema: { safeParse: (value: unknown) => { success: boolean; error?: { issues: unknown[] } } },
  body: unknown,
) {
  const result = schema.safeParse(body);
  if (result.success) return [];
  return toDetails((result.error?.issues ?? []) as Parameters<typeof toDetails>[0]);
}

describe('free-text character rules', () => {
  describe.each(REFUSED_EVERYWHERE)('%s', (_, characters) => {
    it.each(characters.map((character) => [codePointOf(character), character]))(
      'refuses %s in a name and in a message',
      (codePoint, character) => {
        // Arrange
        const text = `Jane${character}Doe`;
        // Act and assert
        expect(forbiddenCharacterIn(text, 'single')).toBe(codePoint);
        expect(forbiddenCharacterIn(text, 'multi')).toBe(codePoint);
      },
    );
  });

  it.each([
    ['a tab', '\t'],
    ['a line feed', '\n'],
    ['a carriage return', '\r'],
  ])('allows %s in a message but not in a name', (_, character) => {
    expect(textProblem(`line one${character}line two`, MESSAGE_TEXT)).toBeUndefined();
    expect(textProblem(`Jane${character}Doe`, NAME_TEXT)).toMatch(/control, invisible or bidirectional/);
  });

  it.each(['José García', 'Zoë Saldaña', '李小龍', 'محمد علي', 'Ngozi Okonkwo-Adébáyọ̀', 'Renée 🚗', 'Åsa Ødegård'])(
    'accepts the name %s',
    (name) => {
      expect(textProblem(name, NAME_TEXT)).toBeUndefined();
    },
  );

  it('refuses a letter stacked with five or more combining marks, and allows a few', () => {
    expect(forbiddenCharacterIn(`Z${'\u0301'.repeat(5)}algo`, 'single')).toBe('U+0301');
    expect(forbiddenCharacterIn('Ngozi Okonkwo-Adébáyọ̀', 'single')).toBeUndefined();
  });

  it('names the character it found, so that the person can find it', () => {
    expect(textProblem('Jane\u202eeoD', NAME_TEXT)).toBe(
      'must not contain control, invisible or bidirectional formatting characters (found U+202E)',
    );
  });
});

describe('web addresses in a name', () => {
  it.each([
    'http://evil.example',
    'https://evil.example/verify',
    'HTTPS://EVIL.EXAMPLE',
    'ftp://files.example',
    'www.evil.example',
    'Visit WWW.evil.example now',
    'evil.example/x',
    'bit.ly',
    'Jane bit.ly/abc',
    'Account locked, verify at evil.com',
    'Dealer.com Motors',
    'St.Louis Motors',
    'J.Smith',
    'evil\u3002com',
    'evil\uff0ecom',
    'evil\u2024com',
    'evil\ufe52com',
    '\uff45\uff56\uff49\uff4c\uff0e\uff43\uff4f\uff4d',
    'evil.рф',
    'evil.中国',
    'Müller.de',
    'xn--80ak6aa92e.com',
    'jane@evil.example',
    'Call 203.0.113.7',
  ])('finds one in %s', (text) => {
    expect(containsWebAddress(text)).toBe(true);
    expect(textProblem(text, NAME_TEXT)).toMatch(/must not contain a web address/);
  });

  it.each([
    'J. R. Smith',
    'J.R. Smith',
    'A.B.C. Auto Sales',
    'Smith & Sons Inc.',
    "O'Brien",
    'Mary-Jane Watson',
    'No.1 Auto',
    'Auto World 2.0',
    'Dr. Ruth Westheimer',
    'Smith Motors, LLC.',
  ])('finds none in %s', (text) => {
    expect(containsWebAddress(text)).toBe(false);
  });

  it('allows a web address in a message, where a person may mention their own site', () => {
    expect(textProblem('Our site is https://dealer.example/inventory', MESSAGE_TEXT)).toBeUndefined();
  });

  it('takes linear time on a long text with no address in it', () => {
    // Arrange
    const texts = ['a'.repeat(16_384), 'a.'.repeat(8_192), '1.'.repeat(8_192), 'a-'.repeat(8_192)];
    // Act
    const started = performance.now();
    for (const text of texts) containsWebAddress(text);
    // Assert
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('smsReachability', () => {
  const US = ['US'];

  it.each([
    ['a Washington, DC number', '+12025550143'],
    ['a Los Angeles number', '+13105550143'],
  ])('lets the deployment text %s (US numbers are FIXED_LINE_OR_MOBILE)', (_, e164) => {
    expect(smsReachability(e164, US)).toEqual({ reachable: true, country: 'US' });
  });

  it.each([
    ['a +1 900 premium-rate number', '+19005550100', 'PREMIUM_RATE'],
    ['a +1 800 toll-free number', '+18005550100', 'TOLL_FREE'],
    ['a +1 888 toll-free number', '+18885550199', 'TOLL_FREE'],
    ['a +1 500 personal (follow-me) number', '+15005550100', 'PERSONAL_NUMBER'],
  ])('refuses %s in an allowed country', (_, e164, type) => {
    expect(smsReachability(e164, US)).toEqual({ reachable: false, reason: 'number_type', country: 'US', type });
  });

  it.each([
    ['a +1 876 Jamaican number', '+18762101234', 'JM'],
    ['a +1 264 Anguillan number', '+12642351234', 'AI'],
    ['a +1 416 Canadian number', '+14165550199', 'CA'],
    ['a +1 787 Puerto Rican number', '+17875550100', 'PR'],
  ])('refuses %s under the default US-only config: +1 is not the US', (_, e164, country) => {
    expect(smsReachability(e164, US)).toEqual({ reachable: false, reason: 'country', country });
  });

  it('refuses a UK number, which the +1-only metadata does not know, even if config names GB', () => {
    expect(toE164('+44 20 7946 0958')).toBeUndefined();
    expect(smsReachability('+447700900123', ['US', 'GB'])).toEqual({ reachable: false, reason: 'invalid' });
  });

  it('texts another +1 region when config allows it, by its own number types', () => {
    expect(smsReachability('+18762101234', ['us', 'jm'])).toEqual({ reachable: true, country: 'JM' });
    expect(smsReachability('+14165550199', ['US', 'CA'])).toEqual({ reachable: true, country: 'CA' });
  });

  it('refuses a number its plan knows to be a landline', () => {
    // Jamaica's plan tells landlines from mobiles; 876-922 is a Kingston landline exchange.
    expect(smsReachability('+18769221234', ['JM'])).toEqual({
      reachable: false,
      reason: 'number_type',
      country: 'JM',
      type: 'FIXED_LINE',
    });
  });
});

describe('POST /inquiries schema', () => {
  const base = { name: 'Jane Doe', email: 'jane@example.com' };

  it.each([
    ['name', { ...base, name: 'Jane\u0085Doe' }],
    ['name', { ...base, name: 'Jane\u202eeoD' }],
    ['name', { ...base, name: 'Jane\u200bDoe' }],
    ['name', { ...base, name: 'Jane\u2028Doe' }],
    ['name', { ...base, name: 'Jane https://evil.example' }],
    ['name', { ...base, name: 'bit.ly' }],
    ['companyName', { ...base, companyName: 'Acme\r\nBcc: victim@example.com' }],
    ['companyName', { ...base, companyName: 'Acme\u2029Motors' }],
    ['companyName', { ...base, companyName: 'www.evil.example' }],
    ['message', { ...base, message: 'hello\u0085world' }],
    ['message', { ...base, message: 'hello \u202ereversed' }],
    ['message', { ...base, message: 'hello\u0000' }],
    ['pageUrl', { ...base, pageUrl: 'https://dealer.example/\u202ex' }],
  ])('refuses a bad %s, naming it', (field, body) => {
    expect(detailsOf(inquirySchema, body).map((detail) => detail.path)).toEqual([field]);
  });

  it('accepts a multi-line message with tabs and a URL, and ordinary names', () => {
    // Arrange
    const body = {
      ...base,
      name: 'J. R. Smith',
      companyName: 'Smith & Sons Inc.',
      message: 'Hi,\r\n\tWe list 40 cars at https://smith.example.\nThanks',
    };
    // Act
    const result = inquirySchema.safeParse(body);
    // Assert
    expect(result.success).toBe(true);
  });

  it.each([
    ['a +1 900 premium-rate number', '+1 900 555 0100'],
    ['a +1 800 toll-free number', '1-800-555-0100'],
    ['a +1 876 Jamaican number', '+1 876 210 1234'],
  ])('refuses %s with SMS consent, naming phone', (_, phone) => {
    // Arrange
    const body = { ...base, phone, consent: { email: false, sms: true } };
    // Act
    const details = detailsOf(inquirySchema, body);
    // Assert
    expect(details).toEqual([{ path: 'phone', message: expect.stringMatching(/to receive texts/) }]);
  });

  it('refuses a UK number with or without SMS consent: only +1 numbers are taken', () => {
    for (const sms of [true, false]) {
      const body = { ...base, phone: '+44 20 7946 0958', consent: { email: false, sms } };
      expect(detailsOf(inquirySchema, body).map((detail) => detail.path)).toEqual(['phone']);
    }
  });

  it('accepts a US number with SMS consent', () => {
    const result = inquirySchema.safeParse({ ...base, phone: '(202) 555-0143', consent: { email: false, sms: true } });
    expect(result).toMatchObject({ success: true, data: { phone: '+12025550143' } });
  });

  it.each(['+1 900 555 0100', '1-800-555-0100', '+1 876 210 1234'])(
    'stores %s without SMS consent: a number only stored is never texted',
    (phone) => {
      expect(inquirySchema.safeParse({ ...base, phone }).success).toBe(true);
    },
  );

  it('follows the configured country list', () => {
    // Arrange
    const caribbean = inquirySchemaFor(['US', 'JM']);
    const body = { ...base, phone: '+1 876 210 1234', consent: { email: false, sms: true } };
    // Act and assert
    expect(caribbean.safeParse(body).success).toBe(true);
    expect(inquirySchemaFor(['US']).safeParse(body).success).toBe(false);
  });
});

describe('POST /subscriptions schema', () => {
  it.each([
    ['a C1 control', 'Jane\u0085Doe'],
    ['a bidirectional override', 'Jane\u202eeoD'],
    ['a zero-width space', 'Jane\u200bDoe'],
    ['a line separator', 'Jane\u2028Doe'],
    ['a web address', 'Jane evil.example/x'],
  ])('refuses a name with %s, naming it', (_, name) => {
    expect(detailsOf(subscriptionSchema, { email: 'jane@example.com', name }).map((detail) => detail.path)).toEqual(['name']);
  });

  it('accepts an ordinary name', () => {
    expect(subscriptionSchema.safeParse({ email: 'jane@example.com', name: "Siobhán O'Brien" }).success).toBe(true);
  });
});
