import { describe, expect, it } from '@jest/globals';
import { apiUrl, drainOutbox, mail, postJson, sms, tableItems, uniqueEmail, uniquePhone } from './local-stack.js';

type Topics = { newsletter: boolean; product_updates: boolean; marketing: boolean };

/** The preference center's JSON: one address, its channel's topics and its channel-wide switch. */
type View =
  | { brand: string; channel: 'email'; address: string; topics: Topics; unsubscribedFromAllEmail: boolean }
  | { brand: string; channel: 'sms'; address: string; topics: Topics; textsStopped: boolean };

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const ALL_ON: Topics = { newsletter: true, product_updates: true, marketing: true };
const ALL_OFF: Topics = { newsletter: false, product_updates: false, marketing: false };

/** A client address of its own per inquiry, so that no per-IP cap of another test applies here. */
const asNewClient = () => ({ 'X-Forwarded-For': `203.0.113.${1 + Math.floor(Math.random() * 254)}` });

const e164 = (phone: string) => `+1${phone.replace(/\D/g, '')}`;

const preferencesUrl = (token: string) => `${apiUrl()}/preferences?token=${token}`;

const getView = async (token: string) =>
  (await (await fetch(preferencesUrl(token), { headers: { accept: 'application/json' } })).json()) as View;

const postPreferences = (token: string, init: { body?: string | URLSearchParams; headers?: Record<string, string> }) =>
  fetch(preferencesUrl(token), { method: 'POST', ...init });

const postJsonPreferences = (token: string, body: unknown) =>
  postPreferences(token, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

const postFormPreferences = (token: string, body: string) =>
  postPreferences(token, {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
  });

/** Every stored item that belongs to the contact (its record, ledger, inquiries, messages), once background work is done. */
async function itemsOf(contactId: string) {
  await drainOutbox();
  return (await tableItems()).filter((item) => item.contactId === contactId);
}

const ledger = async (contactId: string) => (await itemsOf(contactId)).filter((item) => item.entity === 'consent');

/**
 * A contact with an email address and a phone number, and the links each was sent: the
 * preferences and unsubscribe links of the first email to the address, and the short
 * preferences link of the text the number got after it replied YES. Every email topic is then
 * set on through the email link, so that the state does not hang on the opt-in mode.
 */
async function contactWithLinks() {
  // Arrange: an inquiry that asks for texts; the number confirms with YES.
  const email = uniqueEmail('prefs');
  const phone = uniquePhone();
  await postJson('/inquiries', { name: 'Pref Person', email, phone, consent: { email: true, sms: true } }, asNewClient());
  await drainOutbox();
  await postJson('/_local/sms/inbound', { from: e164(phone), body: 'YES' });
  await drainOutbox();
  const firstEmail = (await mail()).find(
    (message) => message.destination.to.includes(email) && /\/preferences\?token=/.test(message.body.text ?? ''),
  );
  const text = firstEmail?.body.text ?? '';
  const preferences = /\/preferences\?token=(\S+)/.exec(text)?.[1] ?? '';
  const unsubscribe = /\/unsubscribe\?token=(\S+)/.exec(text)?.[1] ?? '';
  const lastText = (await sms()).filter((message) => message.to === e164(phone) && /Prefs: /.test(message.body)).at(-1);
  const shortUrl = /Prefs: (\S+)/.exec(lastText?.body ?? '')?.[1] ?? '';
  const contact = (await tableItems()).find((item) => item.entity === 'contact' && item.email === email);
  const contactId = String(contact?.contactId ?? '');
  expect({ preferences: preferences !== '', unsubscribe: unsubscribe !== '', shortUrl, contactId }).toEqual({
    preferences: true,
    unsubscribe: true,
    shortUrl: expect.stringMatching(/\/p\//),
    contactId: expect.stringMatching(/\S/),
  });
  expect((await postJsonPreferences(preferences, { email: ALL_ON })).status).toBe(200);
  await drainOutbox();
  return { email, phone, contactId, preferences, unsubscribe, shortUrl };
}

/** The full preferences token the short link of a text leads to. */
async function smsPreferencesToken(shortUrl: string): Promise<string> {
  const redirect = await fetch(shortUrl, { redirect: 'manual' });
  expect(redirect.status).toBe(303);
  return new URL(redirect.headers.get('location') ?? '').searchParams.get('token') ?? '';
}

describe('a link governs only the address it was sent to', () => {
  it('shows an email link that address masked and its email topics only, as HTML and as JSON', async () => {
    // Arrange
    const { preferences, phone } = await contactWithLinks();
    // Act
    const page = await fetch(preferencesUrl(preferences), { headers: { accept: 'text/html' } });
    const view = await getView(preferences);
    // Assert
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('Forecourt Demo Motors Software');
    expect(html).toMatch(/<legend>Email<\/legend>/);
    expect(html).toMatch(
      /<label for="email.newsletter"><input type="checkbox" id="email.newsletter" name="email.newsletter" checked>/,
    );
    expect(html).toContain('Unsubscribe from all email');
    expect(html).not.toContain('Stop all texts');
    expect(html).not.toMatch(/name="sms\./);
    expect(html).toMatch(/p\*\*\*@example\.com/);
    expect(html).not.toContain(e164(phone));
    expect(html).not.toMatch(/\+1\*{6}\d{4}/);
    expect(html).not.toContain('<script');
    expect(view).toEqual({
      brand: 'Forecourt Demo Motors Software',
      channel: 'email',
      address: 'p***@example.com',
      topics: ALL_ON,
      unsubscribedFromAllEmail: false,
    });
  });

  it('shows the short link of a text that number masked and its SMS topics only', async () => {
    // Arrange
    const { shortUrl, phone } = await contactWithLinks();
    // Act
    const token = await smsPreferencesToken(shortUrl);
    const page = await fetch(preferencesUrl(token), { headers: { accept: 'text/html' } });
    const view = await getView(token);
    // Assert
    expect(shortUrl).toMatch(/\/p\/[\w-]+\.[\w-]+\.s\.\w+\.[\w-]{8}\.[\w-]+$/);
    const html = await page.text();
    expect(html).toMatch(/<legend>Text messages \(SMS\)<\/legend>/);
    expect(html).toContain('Stop all texts');
    expect(html).not.toContain('Unsubscribe from all email');
    expect(html).not.toMatch(/name="email\./);
    expect(html).not.toContain('@example.com');
    expect(view).toEqual({
      brand: 'Forecourt Demo Motors Software',
      channel: 'sms',
      address: `+1******${e164(phone).slice(-4)}`,
      topics: ALL_ON,
      textsStopped: false,
    });
  });

  it('changes the email topics through the email link and leaves the texts as they were', async () => {
    // Arrange
    const { preferences, shortUrl, contactId } = await contactWithLinks();
    const smsToken = await smsPreferencesToken(shortUrl);
    const before = (await ledger(contactId)).length;
    // Act: keep only the newsletter
    const response = await postFormPreferences(preferences, 'email.newsletter=on');
    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('Your preferences are saved.');
    expect((await getView(preferences)).topics).toEqual({ newsletter: true, product_updates: false, marketing: false });
    expect((await getView(smsToken)).topics).toEqual(ALL_ON);
    const added = (await ledger(contactId)).slice(before);
    expect(added.map((event) => [event.channel, event.action, event.source, event.topics])).toEqual([
      ['email', 'withdraw', 'preference_center', ['product_updates', 'marketing']],
    ]);
  });

  it('stops texts through the short link of a text and leaves the email as it was', async () => {
    // Arrange
    const { preferences, shortUrl } = await contactWithLinks();
    const smsToken = await smsPreferencesToken(shortUrl);
    // Act
    const response = await postFormPreferences(smsToken, 'stopAllTexts=on');
    // Assert
    expect(response.status).toBe(200);
    expect(await getView(smsToken)).toMatchObject({ topics: ALL_OFF, textsStopped: true });
    expect(await getView(preferences)).toMatchObject({ topics: ALL_ON, unsubscribedFromAllEmail: false });
  });

  it.each([
    ['an SMS topic by form through an email link', 'email', 'form', 'email.newsletter=on&sms.marketing=on', 'sms.marketing'],
    ['"Stop all texts" through an email link', 'email', 'form', 'stopAllTexts=on', 'stopAllTexts'],
    ['an SMS topic as JSON through an email link', 'email', 'json', { sms: { newsletter: false } }, 'sms.newsletter'],
    ['an email topic by form through a text link', 'sms', 'form', 'email.newsletter=on', 'email.newsletter'],
    [
      '"Unsubscribe from all email" as JSON through a text link',
      'sms',
      'json',
      { unsubscribeAllEmail: true },
      'unsubscribeAllEmail',
    ],
  ] as const)('400 for %s, naming the field and changing nothing', async (_, linkChannel, kind, body, path) => {
    // Arrange
    const { preferences, shortUrl, contactId } = await contactWithLinks();
    const token = linkChannel === 'email' ? preferences : await smsPreferencesToken(shortUrl);
    const before = await itemsOf(contactId);
    // Act
    const response =
      kind === 'form'
        ? await postPreferences(token, {
            body: String(body),
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          })
        : await postJsonPreferences(token, body);
    // Assert
    expect(response.status).toBe(400);
    const error = ((await response.json()) as ErrorBody).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((detail) => detail.path)).toEqual([path]);
    expect(await itemsOf(contactId)).toEqual(before);
  });

  it('400 for starting a text topic from the page: only the number itself opts in', async () => {
    // Arrange: the number stopped one topic
    const { shortUrl, contactId } = await contactWithLinks();
    const smsToken = await smsPreferencesToken(shortUrl);
    expect((await postJsonPreferences(smsToken, { sms: { marketing: false } })).status).toBe(200);
    const before = await itemsOf(contactId);
    // Act
    const response = await postJsonPreferences(smsToken, { sms: { marketing: true } });
    // Assert
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.details?.[0]?.path).toBe('sms.marketing');
    expect(await itemsOf(contactId)).toEqual(before);
  });
});

describe('the preference center honours an empty form', () => {
  it.each([
    ['with no Content-Type at all', {}],
    ['as a zero-length urlencoded form', { body: new URLSearchParams() }],
  ])('records "no topics" for an empty body %s, and answers with a page', async (_, init) => {
    // Arrange
    const { preferences, shortUrl, contactId } = await contactWithLinks();
    const smsToken = await smsPreferencesToken(shortUrl);
    const before = (await ledger(contactId)).length;
    // Act: every box unticked, as a browser posts it
    const response = await postPreferences(preferences, { ...init, headers: { accept: 'text/html,*/*;q=0.8' } });
    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Your preferences are saved.');
    expect(html).not.toMatch(/name="email\.\w+" checked/);
    expect(await getView(preferences)).toMatchObject({ topics: ALL_OFF, unsubscribedFromAllEmail: false });
    expect((await getView(smsToken)).topics).toEqual(ALL_ON);
    const added = (await ledger(contactId)).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ channel: 'email', action: 'withdraw', source: 'preference_center' });
  });

  it('answers a JSON post with JSON, changes only what it names, and records nothing when nothing changes', async () => {
    // Arrange
    const { preferences, contactId } = await contactWithLinks();
    // Act
    const first = await postJsonPreferences(preferences, { email: { newsletter: false } });
    const after = (await ledger(contactId)).length;
    const second = await postJsonPreferences(preferences, { email: { newsletter: false } });
    // Assert
    expect(first.headers.get('content-type')).toContain('application/json');
    expect(((await first.json()) as View).topics).toEqual({ newsletter: false, product_updates: true, marketing: true });
    expect(second.status).toBe(200);
    expect(await ledger(contactId)).toHaveLength(after);
  });

  it('unsubscribes from all email with the channel-wide switch', async () => {
    const { preferences } = await contactWithLinks();
    const response = await postFormPreferences(preferences, 'email.marketing=on&unsubscribeAllEmail=on');
    expect(response.status).toBe(200);
    expect(await getView(preferences)).toMatchObject({ topics: ALL_OFF, unsubscribedFromAllEmail: true });
  });

  it.each([
    ['an unknown topic', { email: { gossip: true } }, 'application/json'],
    ['an unknown channel', { fax: { newsletter: true } }, 'application/json'],
    ['a non-boolean flag', { email: { newsletter: 'yes' } }, 'application/json'],
    ['an empty JSON body', undefined, 'application/json'],
    ['an unknown form field', 'email.newsletter=on&admin=1', 'application/x-www-form-urlencoded'],
    ['a box with another value than "on"', 'email.newsletter=yes', 'application/x-www-form-urlencoded'],
  ])('400 for %s, changing nothing', async (_, body, type) => {
    const { preferences, contactId } = await contactWithLinks();
    const before = await itemsOf(contactId);
    const response = await postPreferences(preferences, {
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      headers: { 'content-type': type, accept: 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('validation_failed');
    expect(await itemsOf(contactId)).toEqual(before);
  });

  it('415 for a body of a type the page does not take, changing nothing', async () => {
    const { preferences, contactId } = await contactWithLinks();
    const before = await itemsOf(contactId);
    const response = await postPreferences(preferences, {
      body: 'email.newsletter=on',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect(await itemsOf(contactId)).toEqual(before);
  });
});

describe('short preferences link in texts', () => {
  it('refuses a short code for another channel, a changed code and one of the older form, changing nothing', async () => {
    // Arrange
    const { shortUrl, contactId } = await contactWithLinks();
    const before = await itemsOf(contactId);
    const [keyId, id, , day, tag, mac] = shortUrl.split('/p/')[1]?.split('.') ?? [];
    const base = `${apiUrl()}/p`;
    // Act
    const asEmail = await fetch(`${base}/${keyId}.${id}.e.${day}.${tag}.${mac}`, { redirect: 'manual' });
    const changed = await fetch(`${shortUrl.slice(0, -1)}${shortUrl.endsWith('A') ? 'B' : 'A'}`, { redirect: 'manual' });
    const older = await fetch(`${base}/${keyId}.${id}.${day}.${mac}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    // Assert
    expect([asEmail.status, changed.status, older.status]).toEqual([401, 401, 401]);
    expect(await older.text()).toContain('This link has expired. Use the link in a newer message.');
    expect(await itemsOf(contactId)).toEqual(before);
  });
});

describe('link tokens on the preference and unsubscribe routes', () => {
  it('refuses tampered, truncated, foreign-purpose and missing tokens with 401, changing nothing', async () => {
    // Arrange
    const { preferences, unsubscribe, contactId } = await contactWithLinks();
    const [version, keyId, payload, signature] = preferences.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const reencode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = {
      otherContact: `${version}.${keyId}.${reencode({ ...claims, contactId: 'someone-else' })}.${signature}`,
      otherChannel: `${version}.${keyId}.${reencode({ ...claims, channel: 'sms' })}.${signature}`,
      noChannel: `${version}.${keyId}.${reencode({ purpose: 'preferences', contactId, expiresAt: claims.expiresAt })}.${signature}`,
      truncated: preferences.slice(0, -3),
      unknownKey: `${version}.other-key.${payload}.${signature}`,
      missing: '',
    };
    const before = await itemsOf(contactId);
    // Act / Assert
    for (const token of Object.values(bad)) {
      for (const path of ['/preferences', '/unsubscribe']) {
        const response = await fetch(`${apiUrl()}${path}?token=${token}`, {
          method: 'POST',
          headers: { accept: 'application/json' },
        });
        expect({ path, token, status: response.status }).toEqual({ path, token, status: 401 });
      }
    }
    // A token for one purpose never passes as another.
    const wrongPurpose = await fetch(`${apiUrl()}/unsubscribe?token=${preferences}`, { method: 'POST' });
    expect(wrongPurpose.status).toBe(401);
    const wrongPurposeBack = await fetch(preferencesUrl(unsubscribe), { headers: { accept: 'application/json' } });
    expect(wrongPurposeBack.status).toBe(401);
    expect(await itemsOf(contactId)).toEqual(before);
  });

  it('shows a browser an HTML page for a bad link', async () => {
    const response = await fetch(`${apiUrl()}/preferences?token=v1.nope.nope.nope`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('This link is not valid');
  });
});

describe('unsubscribe', () => {
  it('changes nothing on GET, then opts the address out at once on the one-click POST, idempotently', async () => {
    // Arrange
    const { preferences, unsubscribe, shortUrl, contactId } = await contactWithLinks();
    const smsToken = await smsPreferencesToken(shortUrl);
    const before = await ledger(contactId);
    // Act: a link scanner fetches the link
    const page = await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, { headers: { accept: 'text/html' } });
    // Assert: a page with one button naming the address, and nothing changed
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toContain('p***@example.com');
    expect(await ledger(contactId)).toEqual(before);
    expect((await getView(preferences)).topics).toEqual(ALL_ON);

    // Act: the RFC 8058 one-click POST, twice
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(response.status).toBe(200);
    }
    // Assert: the acknowledgement's link withdraws every email topic, recorded once; texts stay
    expect(await getView(preferences)).toMatchObject({ topics: ALL_OFF, unsubscribedFromAllEmail: true });
    expect((await getView(smsToken)).topics).toEqual(ALL_ON);
    const added = (await ledger(contactId)).slice(before.length);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ channel: 'email', action: 'withdraw', allOfChannel: true, source: 'one_click_unsubscribe' });
  });

  it('takes the one-click body as multipart/form-data, as some mail providers send it', async () => {
    // Arrange
    const { preferences, unsubscribe, contactId } = await contactWithLinks();
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const before = (await ledger(contactId)).length;
    // Act: fetch writes the multipart body and its boundary
    const responses = [];
    for (let attempt = 0; attempt < 2; attempt += 1)
      responses.push(await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, { method: 'POST', body: form }));
    // Assert
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(await responses[0]?.json()).toEqual({ status: 'unsubscribed', scope: 'all email', address: 'p***@example.com' });
    expect(await getView(preferences)).toMatchObject({ topics: ALL_OFF, unsubscribedFromAllEmail: true });
    expect((await ledger(contactId)).slice(before)).toHaveLength(1);
  });

  it.each([
    ['no body and no Content-Type', {}],
    ['an empty urlencoded body', { body: new URLSearchParams() }],
    ['an empty multipart body', { body: new FormData() }],
  ])('unsubscribes with %s', async (_, init) => {
    const { preferences, unsubscribe } = await contactWithLinks();
    const response = await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, { method: 'POST', ...init });
    expect(response.status).toBe(200);
    expect((await getView(preferences)).topics).toEqual(ALL_OFF);
  });

  it.each([
    ['another urlencoded body', () => 'List-Unsubscribe=Everything&admin=1', 'application/x-www-form-urlencoded'],
    [
      'another multipart value',
      () => {
        const form = new FormData();
        form.append('List-Unsubscribe', 'Everything');
        return form;
      },
      undefined,
    ],
    [
      'a multipart file',
      () => {
        const form = new FormData();
        form.append('List-Unsubscribe', new Blob(['One-Click']), 'one-click.txt');
        return form;
      },
      undefined,
    ],
    ['a multipart body that does not parse', () => 'not multipart at all', 'multipart/form-data; boundary=xyz'],
    ['a multipart body without a boundary', () => 'List-Unsubscribe=One-Click', 'multipart/form-data'],
  ])('400 for %s, changing nothing', async (_, body, type) => {
    const { unsubscribe, contactId } = await contactWithLinks();
    const before = await itemsOf(contactId);
    const response = await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, {
      method: 'POST',
      body: body(),
      ...(type ? { headers: { 'content-type': type } } : {}),
    });
    expect(response.status).toBe(400);
    expect(await itemsOf(contactId)).toEqual(before);
  });
});
