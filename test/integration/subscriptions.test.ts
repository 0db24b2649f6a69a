import { describe, expect, it } from '@jest/globals';
import { apiUrl, drainOutbox, footprint, mail, postJson, tableItems, uniqueEmail, policyInForce } from './local-stack.js';

const confirmationsTo = async (email: string) =>
  (await mail()).filter((message) => message.destination.to.includes(email) && message.subject.startsWith('Please confirm'));

const contactOf = async (email: string) => (await tableItems()).find((item) => item.entity === 'contact' && item.email === email);

function confirmToken(text: string | undefined): string {
  return /\/subscriptions\/confirm\?token=(\S+)/.exec(text ?? '')?.[1] ?? '';
}

describe('POST /subscriptions (double opt-in)', () => {
  it('answers 202, emails a confirmation, and grants nothing until the confirm button is pressed', async () => {
    // Arrange
    const email = uniqueEmail('news');
    // Act
    const response = await postJson('/subscriptions', { email, name: 'News Reader', topics: ['newsletter', 'product_updates'] });
    await drainOutbox();
    // Assert: pending, nothing granted
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'pending_confirmation' });
    const [confirmation] = await confirmationsTo(email);
    expect(confirmation?.body.text).toContain('our newsletter and product updates');
    expect(confirmation?.body.text).toContain('100 Example Way');
    const token = confirmToken(confirmation?.body.text);
    expect((await contactOf(email))?.pref_email_newsletter).toBeUndefined();

    // Act: a link scanner GETs the link
    const page = await fetch(`${apiUrl()}/subscriptions/confirm?token=${token}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Confirm</button>');
    expect((await contactOf(email))?.pref_email_newsletter).toBeUndefined();

    // Act: the person confirms
    const confirmed = await fetch(`${apiUrl()}/subscriptions/confirm?token=${token}`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    // Assert
    expect(confirmed.status).toBe(200);
    const contact = await contactOf(email);
    expect(contact).toMatchObject({ pref_email_newsletter: true, pref_email_product_updates: true });
    expect(contact?.pref_email_marketing).toBeUndefined();
    expect(contact?.subscriptionUnconfirmed).toBeUndefined();
    const ledger = (await tableItems()).filter((item) => item.entity === 'consent' && item.contactId === contact?.contactId);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      source: 'subscription_form',
      action: 'grant',
      topics: ['newsletter', 'product_updates'],
      policyVersion: await policyInForce(),
    });
  });

  it('sends at most one confirmation for a burst of sign-ups', async () => {
    const email = uniqueEmail('burst');
    for (let attempt = 0; attempt < 4; attempt += 1) expect((await postJson('/subscriptions', { email })).status).toBe(202);
    await drainOutbox();
    expect(await confirmationsTo(email)).toHaveLength(1);
  });

  it('answers an already confirmed address exactly as a new one, and never un-confirms it', async () => {
    // Arrange: a confirmed subscriber
    const email = uniqueEmail('again');
    await postJson('/subscriptions', { email });
    await drainOutbox();
    const [confirmation] = await confirmationsTo(email);
    await fetch(`${apiUrl()}/subscriptions/confirm?token=${confirmToken(confirmation?.body.text)}`, { method: 'POST' });
    // Act
    const again = await postJson('/subscriptions', { email });
    const fresh = await postJson('/subscriptions', { email: uniqueEmail('fresh') });
    await drainOutbox();
    // Assert
    expect(again.status).toBe(fresh.status);
    expect(await again.json()).toEqual(await fresh.json());
    expect((await contactOf(email))?.pref_email_newsletter).toBe(true);
    expect(await confirmationsTo(email)).toHaveLength(1);
  });

  it('takes a plain HTML form with one or several topics', async () => {
    const email = uniqueEmail('form-news');
    const response = await fetch(`${apiUrl()}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([
        ['email', email],
        ['topics', 'marketing'],
      ]).toString(),
    });
    expect(response.status).toBe(202);
    await drainOutbox();
    expect((await confirmationsTo(email))[0]?.body.text).toContain('offers and promotions');
  });

  it.each([
    ['an invalid email', { email: 'nope' }, 'email'],
    ['an unknown topic', { email: 'x@example.com', topics: ['gossip'] }, 'topics.0'],
    ['an empty topic list', { email: 'x@example.com', topics: [] }, 'topics'],
    ['an unknown field', { email: 'x@example.com', referrer: 'friend' }, 'referrer'],
  ])('400 for %s, storing and sending nothing', async (_, body, path) => {
    const before = await footprint();
    const response = await postJson('/subscriptions', body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { code: string; details: { path: string }[] } }).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((detail) => detail.path)).toContain(path);
    expect(await footprint()).toEqual(before);
  });

  it('refuses a confirmation token used on the preferences route, and a preferences token here', async () => {
    const email = uniqueEmail('cross');
    await postJson('/subscriptions', { email });
    await drainOutbox();
    const token = confirmToken((await confirmationsTo(email))[0]?.body.text);
    expect((await fetch(`${apiUrl()}/preferences?token=${token}`, { headers: { accept: 'application/json' } })).status).toBe(401);
    const tampered = `${token.slice(0, -2)}xx`;
    expect((await fetch(`${apiUrl()}/subscriptions/confirm?token=${tampered}`, { method: 'POST' })).status).toBe(401);
    expect((await contactOf(email))?.pref_email_newsletter).toBeUndefined();
  });
});
