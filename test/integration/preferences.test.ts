import { describe, expect, it } from '@jest/globals';
import { apiUrl, drainOutbox, mail, postJson, tableItems, uniqueEmail, uniquePhone } from './local-stack.js';

interface View {
  preferences: { email: Record<string, boolean>; sms: Record<string, boolean> };
  unsubscribedFromAllEmail: boolean;
  textsStopped: boolean;
  contact: { email?: string; phone?: string };
}

/** Submits an inquiry with both consents and returns the links from its acknowledgement email. */
async function contactWithLinks() {
  const email = uniqueEmail('prefs');
  const receipt = (await (
    await postJson('/inquiries', { name: 'Pref Person', email, phone: uniquePhone(), consent: { email: true, sms: true } })
  ).json()) as { contactId: string };
  await drainOutbox();
  const acknowledgement = (await mail()).find((message) => message.destination.to.includes(email));
  const text = acknowledgement?.body.text ?? '';
  const preferences = /\/preferences\?token=(\S+)/.exec(text)?.[1] ?? '';
  const unsubscribe = /\/unsubscribe\?token=(\S+)/.exec(text)?.[1] ?? '';
  return { email, contactId: receipt.contactId, preferences, unsubscribe };
}

const getView = async (token: string) =>
  (await (await fetch(`${apiUrl()}/preferences?token=${token}`, { headers: { accept: 'application/json' } })).json()) as View;

const ledger = async (contactId: string) =>
  (await tableItems()).filter((item) => item.entity === 'consent' && item.contactId === contactId);

describe('preference center', () => {
  it('shows the masked addresses and every topic by channel, as HTML and as JSON', async () => {
    const { preferences } = await contactWithLinks();
    const page = await fetch(`${apiUrl()}/preferences?token=${preferences}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('Forecourt Demo Motors Software');
    expect(html).toMatch(
      /<label for="email.newsletter"><input type="checkbox" id="email.newsletter" name="email.newsletter" checked>/,
    );
    expect(html).toContain('Unsubscribe from all email');
    expect(html).toContain('Stop all texts');
    expect(html).not.toContain('<script');
    const view = await getView(preferences);
    expect(view.contact.email).toMatch(/^p\*\*\*@example\.com$/);
    expect(view.contact.phone).toMatch(/^\+1\*{6}\d{4}$/);
    expect(view.preferences.sms).toEqual({ newsletter: true, product_updates: true, marketing: true });
  });

  it('sets preferences from the form, records each change in the ledger and shows the new state', async () => {
    // Arrange
    const { preferences, contactId } = await contactWithLinks();
    const before = (await ledger(contactId)).length;
    // Act: keep only the email newsletter and SMS marketing
    const response = await fetch(`${apiUrl()}/preferences?token=${preferences}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email.newsletter=on&sms.marketing=on',
    });
    // Assert
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Your preferences are saved.');
    const view = await getView(preferences);
    expect(view.preferences).toEqual({
      email: { newsletter: true, product_updates: false, marketing: false },
      sms: { newsletter: false, product_updates: false, marketing: true },
    });
    const added = (await ledger(contactId)).slice(before);
    expect(added.map((event) => [event.channel, event.action, event.source])).toEqual([
      ['email', 'withdraw', 'preference_center'],
      ['sms', 'withdraw', 'preference_center'],
    ]);
    expect(added[0]?.topics).toEqual(['product_updates', 'marketing']);
  });

  it('takes a partial JSON update and records nothing when nothing changes', async () => {
    const { preferences, contactId } = await contactWithLinks();
    const post = (body: unknown) =>
      fetch(`${apiUrl()}/preferences?token=${preferences}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ sms: { newsletter: false } })).status).toBe(200);
    const after = (await ledger(contactId)).length;
    expect((await post({ sms: { newsletter: false } })).status).toBe(200);
    expect(await ledger(contactId)).toHaveLength(after);
    expect((await getView(preferences)).preferences.sms.newsletter).toBe(false);
  });

  it('stops all texts and unsubscribes from all email with the channel-wide switches', async () => {
    const { preferences } = await contactWithLinks();
    await fetch(`${apiUrl()}/preferences?token=${preferences}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sms.newsletter=on&stopAllTexts=on&unsubscribeAllEmail=on&email.marketing=on',
    });
    const view = await getView(preferences);
    expect(view.textsStopped).toBe(true);
    expect(view.unsubscribedFromAllEmail).toBe(true);
    expect(view.preferences.email).toEqual({ newsletter: false, product_updates: false, marketing: false });
  });

  it.each([
    ['an unknown topic', { email: { gossip: true } }],
    ['an unknown channel', { fax: { newsletter: true } }],
    ['a non-boolean flag', { email: { newsletter: 'yes' } }],
  ])('400 for %s, changing nothing', async (_, body) => {
    const { preferences, contactId } = await contactWithLinks();
    const before = await ledger(contactId);
    const response = await fetch(`${apiUrl()}/preferences?token=${preferences}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    expect(await ledger(contactId)).toEqual(before);
  });
});

describe('short preferences link in texts', () => {
  it('links the SMS opt-in confirmation to the preference center through a short code', async () => {
    // Arrange
    const phone = uniquePhone();
    await postJson('/inquiries', { name: 'Short Link', phone, consent: { email: false, sms: true } });
    await drainOutbox();
    const text = (await (await fetch(`${apiUrl()}/_local/sms`)).json()) as { to: string; body: string }[];
    const body = text.at(-1)?.body ?? '';
    const shortUrl = /Prefs: (\S+)/.exec(body)?.[1] ?? '';
    // Act
    const redirect = await fetch(shortUrl, { redirect: 'manual' });
    // Assert
    expect(shortUrl).toMatch(/\/p\/[\w-]+\.[\w-]+\.\w+\.[\w-]+$/);
    expect(redirect.status).toBe(303);
    const location = redirect.headers.get('location') ?? '';
    expect(location).toContain('/preferences?token=');
    const view = (await (await fetch(location, { headers: { accept: 'application/json' } })).json()) as View;
    expect(view.preferences.sms.newsletter).toBe(true);
    expect((await fetch(`${shortUrl.slice(0, -2)}zz`, { redirect: 'manual' })).status).toBe(401);
  });
});

describe('link tokens on the preference and unsubscribe routes', () => {
  it('refuses tampered, truncated, foreign-purpose and missing tokens with 401, changing nothing', async () => {
    // Arrange
    const { preferences, unsubscribe, contactId } = await contactWithLinks();
    const [version, keyId, payload, signature] = preferences.split('.');
    const otherContact = Buffer.from(
      JSON.stringify({ purpose: 'preferences', contactId: 'someone-else', expiresAt: 9_999_999_999 }),
    ).toString('base64url');
    const bad = {
      tampered: `${version}.${keyId}.${otherContact}.${signature}`,
      truncated: preferences.slice(0, -3),
      unknownKey: `${version}.other-key.${payload}.${signature}`,
      missing: '',
    };
    const before = await ledger(contactId);
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
    const wrongPurposeBack = await fetch(`${apiUrl()}/preferences?token=${unsubscribe}`, {
      headers: { accept: 'application/json' },
    });
    expect(wrongPurposeBack.status).toBe(401);
    expect(await ledger(contactId)).toEqual(before);
  });

  it('shows a browser an HTML page for a bad link', async () => {
    const response = await fetch(`${apiUrl()}/preferences?token=v1.nope.nope.nope`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('This link is not valid');
  });
});

describe('unsubscribe', () => {
  it('changes nothing on GET, then opts out at once on the one-click POST, idempotently', async () => {
    // Arrange
    const { preferences, unsubscribe, contactId } = await contactWithLinks();
    const before = await ledger(contactId);
    // Act: a link scanner fetches the link
    const page = await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, { headers: { accept: 'text/html' } });
    // Assert: a page with one button, and nothing changed
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(await ledger(contactId)).toEqual(before);
    expect((await getView(preferences)).unsubscribedFromAllEmail).toBe(false);

    // Act: the RFC 8058 one-click POST, twice
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(response.status).toBe(200);
    }
    // Assert: the acknowledgement's link withdraws every email topic, recorded once
    const view = await getView(preferences);
    expect(view.unsubscribedFromAllEmail).toBe(true);
    expect(view.preferences.email).toEqual({ newsletter: false, product_updates: false, marketing: false });
    expect(view.preferences.sms.newsletter).toBe(true);
    const added = (await ledger(contactId)).slice(before.length);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ channel: 'email', action: 'withdraw', allOfChannel: true, source: 'one_click_unsubscribe' });
  });

  it('400 for a body other than the one-click one', async () => {
    const { unsubscribe, contactId } = await contactWithLinks();
    const before = await ledger(contactId);
    const response = await fetch(`${apiUrl()}/unsubscribe?token=${unsubscribe}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=Everything&admin=1',
    });
    expect(response.status).toBe(400);
    expect(await ledger(contactId)).toEqual(before);
  });
});
