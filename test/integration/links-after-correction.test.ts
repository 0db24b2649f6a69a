import { describe, expect, it } from '@jest/globals';
import {
  apiUrl,
  contactIdOfInquiry,
  drainOutbox,
  mail,
  postJson,
  randomClientIp,
  sms,
  staffToken,
  tableItems,
  textFrom,
  uniqueEmail,
  uniquePhone,
} from './local-stack.js';

/**
 * SPEC §2 "A link governs only the address it was sent to": after staff correct a contact's email
 * or phone, every link sent to the old address (preferences, unsubscribe, subscription
 * confirmation, the short preferences link of a text) is refused as a foreign link would be, and
 * changes nothing for the new address, which has not proved itself.
 */

const e164 = (phone: string) => `+1${phone.replace(/\D/g, '')}`;

/** The token of the first link of a kind in a text, e.g. `/preferences?token=`. */
const tokenIn = (text: string | undefined, path: string) =>
  new RegExp(`${path.replace(/[/?]/g, '\\$&')}\\?token=([\\w.-]+)`).exec(text ?? '')?.[1];

/** Everything stored under the contact, once background work is done. */
async function itemsOf(contactId: string) {
  await drainOutbox();
  return (await tableItems()).filter((item) => item.contactId === contactId);
}

/** Staff corrects the contact's addresses, as `PATCH /admin/contacts/{id}` does. */
async function correct(contactId: string, fields: { email?: string; phone?: string }): Promise<number> {
  const response = await fetch(`${apiUrl()}/admin/contacts/${contactId}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${await staffToken(['support'], 'links-corrector')}`,
      'content-type': 'application/json',
      'x-access-reason': 'typo in the address',
    },
    body: JSON.stringify(fields),
  });
  await drainOutbox();
  return response.status;
}

const json = { accept: 'application/json' };
const getPreferences = (token: string) => fetch(`${apiUrl()}/preferences?token=${token}`, { headers: json });
const postPreferences = (token: string, body: unknown) =>
  fetch(`${apiUrl()}/preferences?token=${token}`, {
    method: 'POST',
    headers: { ...json, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const getUnsubscribe = (token: string) => fetch(`${apiUrl()}/unsubscribe?token=${token}`, { headers: json });
const postUnsubscribe = (token: string) =>
  fetch(`${apiUrl()}/unsubscribe?token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
const getConfirm = (token: string) => fetch(`${apiUrl()}/subscriptions/confirm?token=${token}`, { headers: json });
const postConfirm = (token: string) =>
  fetch(`${apiUrl()}/subscriptions/confirm?token=${token}`, { method: 'POST', headers: json });

/**
 * A contact with an email and a number, and the links each was sent: the acknowledgement's
 * preferences, unsubscribe and confirmation links, a sign-up's confirmation link, and the short
 * preferences link of the text the number got after it replied YES. Nothing is confirmed yet.
 */
async function contactWithLinks() {
  const email = uniqueEmail('links');
  const phone = uniquePhone();
  const client = { 'X-Forwarded-For': randomClientIp() };
  const inquiry = await postJson('/inquiries', { name: 'Lin Links', email, phone, consent: { email: true, sms: true } }, client);
  expect(inquiry.status).toBe(201);
  const contactId = await contactIdOfInquiry(((await inquiry.json()) as { inquiryId: string }).inquiryId);
  await drainOutbox();
  expect(await textFrom(e164(phone), 'YES')).toBe(200);
  expect((await postJson('/subscriptions', { email, topics: ['product_updates'] }, client)).status).toBe(202);
  await drainOutbox();

  const mailed = (await mail()).filter((message) => message.destination.to.includes(email));
  const acknowledgement = mailed.find((message) => tokenIn(message.body.text, '/preferences'))?.body.text;
  const signUp = mailed.filter((message) => /Please confirm your subscription/.test(message.subject)).at(-1)?.body.text;
  const text = (await sms()).filter((message) => message.to === e164(phone) && /Prefs: /.test(message.body)).at(-1)?.body;
  const links = {
    preferences: tokenIn(acknowledgement, '/preferences') ?? '',
    unsubscribe: tokenIn(acknowledgement, '/unsubscribe') ?? '',
    confirm: tokenIn(acknowledgement, '/subscriptions/confirm') ?? '',
    signUpConfirm: tokenIn(signUp, '/subscriptions/confirm') ?? '',
    shortUrl: /Prefs: (\S+)/.exec(text ?? '')?.[1] ?? '',
  };
  expect(links).toEqual({
    preferences: expect.stringMatching(/^v1\./),
    unsubscribe: expect.stringMatching(/^v1\./),
    confirm: expect.stringMatching(/^v1\./),
    signUpConfirm: expect.stringMatching(/^v1\./),
    shortUrl: expect.stringContaining('/p/'),
  });
  return { email, phone, contactId, ...links };
}

/** Follows a short link to the preference center it redirects to; answers the redirect and the page. */
async function followShortLink(shortUrl: string) {
  const redirect = await fetch(shortUrl, { redirect: 'manual' });
  const location = redirect.headers.get('location') ?? '';
  const token = new URL(location).searchParams.get('token') ?? '';
  return { redirect: redirect.status, token, page: (await getPreferences(token)).status };
}

describe('links sent to an address that staff then corrected', () => {
  it('govern the email before the correction, and after it nothing: no page, no change, no consent for the new email', async () => {
    // Arrange: each link works while the email is the one it was sent to (GETs change nothing)
    const person = await contactWithLinks();
    expect((await getPreferences(person.preferences)).status).toBe(200);
    expect((await getUnsubscribe(person.unsubscribe)).status).toBe(200);
    expect((await getConfirm(person.confirm)).status).toBe(200);
    expect((await getConfirm(person.signUpConfirm)).status).toBe(200);
    const corrected = uniqueEmail('links-corrected');
    expect(await correct(person.contactId, { email: corrected })).toBe(200);
    const before = await itemsOf(person.contactId);

    // Act
    const statuses = {
      preferencesPage: (await getPreferences(person.preferences)).status,
      preferencesChange: (await postPreferences(person.preferences, { email: { newsletter: true, marketing: true } })).status,
      unsubscribePage: (await getUnsubscribe(person.unsubscribe)).status,
      unsubscribe: (await postUnsubscribe(person.unsubscribe)).status,
      confirmPage: (await getConfirm(person.confirm)).status,
      confirm: (await postConfirm(person.confirm)).status,
      signUpConfirm: (await postConfirm(person.signUpConfirm)).status,
    };

    // Assert: refused as a foreign link is; the new email has no consent, and nothing was stored
    expect(statuses).toEqual({
      preferencesPage: 401,
      preferencesChange: 401,
      unsubscribePage: 401,
      unsubscribe: 401,
      confirmPage: 401,
      confirm: 401,
      signUpConfirm: 401,
    });
    const after = await itemsOf(person.contactId);
    expect(after).toEqual(before);
    const contact = after.find((item) => item.entity === 'contact');
    expect(contact).toMatchObject({ email: corrected, emailSetAt: expect.any(String) });
    expect(Object.entries(contact ?? {}).filter(([key, value]) => key.startsWith('pref_email_') && value === true)).toEqual([]);
    // The number was not corrected: its short link still opens its page.
    expect(await followShortLink(person.shortUrl)).toMatchObject({ redirect: 303, page: 200 });
  });

  it('govern the number before the correction, and after it nothing: the short link opens no page and changes nothing', async () => {
    // Arrange
    const person = await contactWithLinks();
    expect(await followShortLink(person.shortUrl)).toMatchObject({ redirect: 303, page: 200 });
    const corrected = uniquePhone();
    expect(await correct(person.contactId, { phone: corrected })).toBe(200);
    const before = await itemsOf(person.contactId);

    // Act
    const followed = await followShortLink(person.shortUrl);
    const change = await postPreferences(followed.token, { stopAllTexts: true });

    // Assert
    expect({ page: followed.page, change: change.status }).toEqual({ page: 401, change: 401 });
    const after = await itemsOf(person.contactId);
    expect(after).toEqual(before);
    expect(after.find((item) => item.entity === 'contact')).toMatchObject({
      phone: e164(corrected),
      phoneSetAt: expect.any(String),
    });
    // The email was not corrected: its links still open its pages.
    expect((await getPreferences(person.preferences)).status).toBe(200);
    expect((await getUnsubscribe(person.unsubscribe)).status).toBe(200);
  });
});
