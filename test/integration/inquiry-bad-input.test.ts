import { describe, expect, it } from '@jest/globals';
import { apiUrl, footprint, post, postJson, uniqueEmail } from './local-stack.js';

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const valid = () => ({ name: 'Jane Doe', email: uniqueEmail('bad') });

/** Each row of SPEC §3 for POST /inquiries that must be refused: status, code and the field named. */
const VALIDATION_ROWS: [string, Record<string, unknown>, string][] = [
  ['a missing name', { email: 'x@example.com' }, 'name'],
  ['a blank name', { name: '   ', email: 'x@example.com' }, 'name'],
  ['a name over 120 characters', { name: 'n'.repeat(121), email: 'x@example.com' }, 'name'],
  ['a name with a control character', { name: 'Jane\u0000Doe', email: 'x@example.com' }, 'name'],
  ['neither email nor phone', { name: 'Jane' }, 'email'],
  ['an invalid email', { name: 'Jane', email: 'not-an-email' }, 'email'],
  ['an email over 254 characters', { name: 'Jane', email: `${'a'.repeat(64)}@${'b'.repeat(190)}.com` }, 'email'],
  ['an invalid phone', { name: 'Jane', phone: '12345' }, 'phone'],
  [
    'a company name over 160 characters',
    { ...{ name: 'Jane', email: 'x@example.com' }, companyName: 'c'.repeat(161) },
    'companyName',
  ],
  ['an unknown dealership type', { name: 'Jane', email: 'x@example.com', dealershipType: 'spaceships' }, 'dealershipType'],
  ['an unknown topic', { name: 'Jane', email: 'x@example.com', topic: 'gossip' }, 'topic'],
  ['a message over 5000 characters', { name: 'Jane', email: 'x@example.com', message: 'm'.repeat(5001) }, 'message'],
  ['a consent that is not a boolean', { name: 'Jane', email: 'x@example.com', consent: { email: 'yes' } }, 'consent.email'],
  ['an unknown consent channel', { name: 'Jane', email: 'x@example.com', consent: { email: true, fax: true } }, 'consent.fax'],
  ['an unknown time zone', { name: 'Jane', email: 'x@example.com', timezone: 'Mars/Olympus_Mons' }, 'timezone'],
  ['a javascript: page URL', { name: 'Jane', email: 'x@example.com', pageUrl: 'javascript:alert(1)' }, 'pageUrl'],
  ['an unknown field', { name: 'Jane', email: 'x@example.com', isAdmin: true }, 'isAdmin'],
  ['a string instead of an object', 'just a string' as unknown as Record<string, unknown>, '(body)'],
];

const withEmail = (fields: Record<string, unknown>) => ({ name: 'Jane Doe', email: 'x@example.com', ...fields });
const smsConsent = { email: false, sms: true };

/** SPEC §3 character rules: free text that reaches a message carries no control, invisible or bidi character. */
const CHARACTER_ROWS: [string, Record<string, unknown>, string][] = [
  ['a name with NEL (U+0085)', withEmail({ name: 'Jane\u0085Doe' }), 'name'],
  ['a name with a DEL', withEmail({ name: 'Jane\u007fDoe' }), 'name'],
  ['a name with a right-to-left override (U+202E)', withEmail({ name: 'Jane\u202eeoD' }), 'name'],
  ['a name with a bidi isolate (U+2066)', withEmail({ name: 'Jane\u2066Doe' }), 'name'],
  ['a name with a zero-width space (U+200B)', withEmail({ name: 'Jane\u200bDoe' }), 'name'],
  ['a name with a soft hyphen (U+00AD)', withEmail({ name: 'Jane\u00adDoe' }), 'name'],
  ['a name with a byte order mark inside (U+FEFF)', withEmail({ name: 'Jane\ufeffDoe' }), 'name'],
  ['a name with a line separator (U+2028)', withEmail({ name: 'Jane\u2028Doe' }), 'name'],
  ['a name with a tab', withEmail({ name: 'Jane\tDoe' }), 'name'],
  [
    'a company name with CR/LF (a Subject header break)',
    withEmail({ companyName: 'Acme\r\nBcc: victim@example.com' }),
    'companyName',
  ],
  ['a company name with a paragraph separator (U+2029)', withEmail({ companyName: 'Acme\u2029Motors' }), 'companyName'],
  ['a company name with a right-to-left override', withEmail({ companyName: 'Acme\u202eMotors' }), 'companyName'],
  ['a message with NEL (U+0085)', withEmail({ message: 'Hello\u0085there' }), 'message'],
  ['a message with a NUL', withEmail({ message: 'Hello\u0000there' }), 'message'],
  ['a message with a right-to-left override', withEmail({ message: 'Hello \u202ereversed' }), 'message'],
  ['a message with a zero-width space', withEmail({ message: 'Hello\u200bthere' }), 'message'],
];

/** SPEC §3: a name holds no URL, because the acknowledgement greets the person by it. */
const WEB_ADDRESS_ROWS: [string, Record<string, unknown>, string][] = [
  ['a name with an https URL', withEmail({ name: 'Your account is locked. Verify now at https://evil.example' }), 'name'],
  ['a name with an http URL', withEmail({ name: 'http://evil.example' }), 'name'],
  ['a name with www.', withEmail({ name: 'www.evil.example' }), 'name'],
  ['a name that is a bare domain with a path', withEmail({ name: 'evil.example/x' }), 'name'],
  ['a name that is a link shortener', withEmail({ name: 'bit.ly' }), 'name'],
  ['a company name with a URL', withEmail({ companyName: 'https://evil.example/login' }), 'companyName'],
  ['a company name that is a domain', withEmail({ companyName: 'Dealer.com Motors' }), 'companyName'],
];

/** SPEC §3: with SMS consent the phone must be one the deployment may text (config allows US only). */
const PHONE_ROWS: [string, Record<string, unknown>, string][] = [
  ['a +1 900 premium-rate number', { name: 'Jane', phone: '+1 900 555 0100', consent: smsConsent }, 'phone'],
  ['a +1 800 toll-free number', { name: 'Jane', phone: '1-800-555-0100', consent: smsConsent }, 'phone'],
  ['a +1 876 Jamaican number', withEmail({ phone: '+1 876 210 1234', consent: smsConsent }), 'phone'],
  ['a UK number', withEmail({ phone: '+44 20 7946 0958', consent: smsConsent }), 'phone'],
];

describe('POST /inquiries refuses bad input, storing nothing and sending nothing', () => {
  it.each(VALIDATION_ROWS)('400 validation_failed for %s', async (_, body, path) => {
    // Arrange
    const before = await footprint();
    // Act
    const response = await postJson('/inquiries', body);
    // Assert
    expect(response.status).toBe(400);
    const error = ((await response.json()) as ErrorBody).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((detail) => detail.path)).toContain(path);
    expect(await footprint()).toEqual(before);
  });

  it.each([...CHARACTER_ROWS, ...WEB_ADDRESS_ROWS, ...PHONE_ROWS])('400 validation_failed for %s', async (_, body, path) => {
    // Arrange
    const before = await footprint();
    // Act
    const response = await postJson('/inquiries', body);
    // Assert
    expect(response.status).toBe(400);
    const error = ((await response.json()) as ErrorBody).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((detail) => detail.path)).toEqual([path]);
    expect(await footprint()).toEqual(before);
  });

  it('400 naming companyName for CR/LF in a form post, where the Subject would have broken', async () => {
    // Arrange
    const before = await footprint();
    const form = new URLSearchParams({
      name: 'Jane Doe',
      email: 'x@example.com',
      companyName: 'Acme\r\nBcc: victim@example.com',
    });
    // Act
    const response = await post('/inquiries', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    // Assert
    expect(response.status).toBe(400);
    const error = ((await response.json()) as ErrorBody).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((detail) => detail.path)).toEqual(['companyName']);
    expect(await footprint()).toEqual(before);
  });

  it.each([
    ['a +1 900 premium-rate number', '+1 900 555 0100'],
    ['a +1 876 Jamaican number', '+1 876 210 1234'],
  ])('stores %s given without SMS consent, and texts nothing', async (_, phone) => {
    // Arrange
    const before = await footprint();
    // Act
    const response = await postJson('/inquiries', { ...valid(), phone });
    // Assert
    expect(response.status).toBe(201);
    const after = await footprint();
    expect(after.items).toBeGreaterThan(before.items);
    expect(after.sms).toBe(before.sms);
  });

  it('400 malformed_body for JSON that does not parse', async () => {
    const before = await footprint();
    const response = await post('/inquiries', '{"name": "Jane",');
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('malformed_body');
    expect(await footprint()).toEqual(before);
  });

  it('400 malformed_body for a body that is not UTF-8, storing nothing', async () => {
    // Arrange: a name with the byte 0xFF, which UTF-8 never uses.
    const before = await footprint();
    const body = Buffer.concat([
      Buffer.from(`{"email":"${uniqueEmail('utf8')}","name":"Jane `),
      Buffer.from([0xff]),
      Buffer.from(' Doe"}'),
    ]);
    // Act
    const response = await fetch(`${apiUrl()}/inquiries`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    // Assert
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('malformed_body');
    expect(await footprint()).toEqual(before);
  });

  it('413 payload_too_large for a body over 16 KiB', async () => {
    const before = await footprint();
    const response = await postJson('/inquiries', { ...valid(), message: 'm'.repeat(16 * 1024) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.code).toBe('payload_too_large');
    expect(await footprint()).toEqual(before);
  });

  it.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])(
    '415 unsupported_media_type for %s',
    async (type) => {
      const before = await footprint();
      const response = await post('/inquiries', 'name=Jane', { 'content-type': type });
      expect(response.status).toBe(415);
      expect(((await response.json()) as ErrorBody).error.code).toBe('unsupported_media_type');
      expect(await footprint()).toEqual(before);
    },
  );

  it('400 for an Idempotency-Key over 128 characters', async () => {
    const before = await footprint();
    const response = await postJson('/inquiries', valid(), { 'Idempotency-Key': 'k'.repeat(129) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.details?.[0]?.path).toBe('Idempotency-Key');
    expect(await footprint()).toEqual(before);
  });

  it('answers a filled honeypot like a success, storing and sending nothing', async () => {
    const before = await footprint();
    const response = await postJson('/inquiries', { ...valid(), website: 'https://cheap-pills.example' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ inquiryId: expect.any(String) });
    expect(await footprint()).toEqual(before);
  });

  it('answers a form honeypot like a success too, with the redirect', async () => {
    const before = await footprint();
    const response = await post(
      '/inquiries',
      new URLSearchParams({ name: 'Bot', email: 'bot@example.com', website: 'x' }).toString(),
      {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
      },
    );
    expect(response.status).toBe(303);
    expect(await footprint()).toEqual(before);
  });

  it('answers an unknown route with 404 not_found in the error shape', async () => {
    const response = await postJson('/nope', {});
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('not_found');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });
});
