import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { inquiryFastPath, inquiryRulesFor, inquirySchemaFor } from '../../functions/inquiries/schema.js';
import { toDetails } from '../../shared/http/validate.js';

const COUNTRIES = ['US'];
const rules = inquiryRulesFor(COUNTRIES);
const schema = inquirySchemaFor(COUNTRIES);
const fastPath = inquiryFastPath(COUNTRIES);

const TYPICAL = {
  name: 'Jane Doe',
  email: 'jane@example.com',
  phone: '(202) 555-0143',
  companyName: 'Main Street Motors',
  dealershipType: 'independent',
  topic: 'demo',
  message: 'We run two rooftops and want to see the follow-up features.\nCall after 3pm.',
  consent: { email: true, sms: true },
  timezone: 'America/Chicago',
  pageUrl: 'https://example.com/demo?ref=ad#form',
};

/** Values to try in each field: valid ones, invalid ones, and odd ones (wrong types, edges). */
const FIELD_VALUES: Record<string, unknown[]> = {
  name: ['Jane', 'J', 'x'.repeat(120), 'x'.repeat(121), '', 'Jane\nDoe', 'www.spam.example', 'Jane\u200bDoe', 7, null, ['Jane']],
  email: ['a@b.co', 'Jane@Example.COM', 'not-an-email', 'a@b', `${'a'.repeat(250)}@b.co`, '', 5, null, 'a b@c.de'],
  phone: ['202-555-0143', '+1 202 555 0143', '(876) 555-0143', '800-555-0143', '12', '+44 20 7946 0958', '', 3, null],
  companyName: ['Acme', 'x'.repeat(160), 'x'.repeat(161), 'acme.com', 'Acme\tMotors', 0, null],
  dealershipType: ['franchise', 'rv', 'Franchise', 'boats', '', 1, null],
  topic: ['demo', 'pricing', 'support', 'general', 'Demo', 'other', '', null, 2],
  message: [
    'Hello',
    'line one\nline two',
    'see https://example.com',
    'x'.repeat(5000),
    'x'.repeat(5001),
    'bad\u0007bell',
    4,
    null,
  ],
  consent: [
    { email: true },
    { sms: true },
    { email: false, sms: false },
    {},
    { email: 'yes' },
    { email: true, extra: true },
    [],
    null,
    true,
    'on',
  ],
  timezone: ['America/New_York', 'UTC', 'Europe/Paris', 'Mars/Olympus', 'america/chicago', '', 9, null],
  pageUrl: [
    'https://example.com',
    'http://example.com/a?b=c',
    'HTTPS://EXAMPLE.COM/X',
    'ftp://example.com',
    'https:/example.com',
    'https://',
    'example.com',
    ' https://example.com ',
    'https://exa\tmple.com',
    `https://example.com/${'a'.repeat(2030)}`,
    'https://example.com/\u202e',
    'javascript:alert(1)',
    1,
    null,
  ],
  website: ['', 'spam', 3, null],
  unknownField: ['x'],
  ['__proto__']: ['x'],
};

/** A body with one field set to a value (undefined removes it). */
function withField(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const body = { ...base };
  if (value === undefined) delete body[key];
  else Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
  return body;
}

const CORPUS: unknown[] = [
  TYPICAL,
  { name: 'Jane', email: 'jane@example.com' },
  { name: 'Jane', phone: '202-555-0143' },
  { name: 'Jane', phone: '202-555-0143', consent: { sms: true } },
  { name: 'Jane' },
  {},
  null,
  [],
  'body',
  ...Object.entries(FIELD_VALUES).flatMap(([key, values]) =>
    [...values, undefined].flatMap((value) => [
      withField(TYPICAL, key, value),
      withField({ name: 'Jane', phone: '202-555-0143' }, key, value),
    ]),
  ),
];

/** What a client is told: success with the value (keys in order), or the error details. */
function answer(result: { success: boolean; data?: unknown; error?: { issues: unknown[] } }) {
  return result.success
    ? { data: JSON.stringify(result.data) }
    : { details: toDetails((result.error?.issues ?? []) as Parameters<typeof toDetails>[0]) };
}

describe('POST /inquiries validation fast path', () => {
  it('answers every body of the corpus exactly as the runtime rules do, error details included', () => {
    for (const body of CORPUS) {
      // Act
      const fast = answer(schema.safeParse(body));
      const runtime = answer(rules.safeParse(body));

      // Assert
      expect({ body, answer: fast }).toEqual({ body, answer: runtime });
    }
  });

  it('accepts only bodies the runtime rules accept, with the same value and the same key order', () => {
    for (const body of CORPUS) {
      // Act
      const fast = fastPath(body);

      // Assert
      if (fast === z.INVALID) continue;
      const runtime = rules.safeParse(body);
      expect({ body, success: runtime.success }).toEqual({ body, success: true });
      expect(JSON.stringify(fast)).toBe(JSON.stringify(runtime.data));
    }
  });

  it('takes the typical valid bodies itself, so the runtime parser is not run for them', () => {
    // Arrange
    const valid = [
      TYPICAL,
      { name: 'Jane', email: 'jane@example.com' },
      { name: 'Jane', phone: '202-555-0143', consent: { sms: true } },
      { ...TYPICAL, website: '' },
    ];

    // Act & assert
    for (const body of valid) expect({ body, fast: fastPath(body) === z.INVALID }).toEqual({ body, fast: false });
  });

  it('agrees with the runtime rules on generated bodies', () => {
    const field = (values: unknown[]) =>
      fc.option(fc.oneof(fc.constantFrom(...values), fc.string(), fc.anything()), { nil: undefined });
    const bodies = fc.record(
      Object.fromEntries(
        Object.entries(FIELD_VALUES)
          .filter(([key]) => key !== '__proto__')
          .map(([key, values]) => [key, field(values)]),
      ),
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(bodies, (generated) => {
        const body = Object.fromEntries(Object.entries(generated).filter(([, value]) => value !== undefined));
        expect(answer(schema.safeParse(body))).toEqual(answer(rules.safeParse(body)));
      }),
      { numRuns: 500 },
    );
  });
});
