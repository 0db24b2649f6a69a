import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiUrl, drainOutbox, mail, postJson, tableItems, uniqueEmail } from '../integration/local-stack.js';
import { ARTIFACTS, launchChromium } from './browser.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** A client address of its own, so that no per-IP cap of another test applies here. */
const asNewClient = () => ({ 'X-Forwarded-For': `203.0.113.${1 + Math.floor(Math.random() * 254)}` });

interface EmailState {
  channel: string;
  topics: Record<string, boolean>;
  unsubscribedFromAllEmail: boolean;
}

const stateOf = async (preferencesUrl: string) =>
  (await (await fetch(preferencesUrl, { headers: { accept: 'application/json' } })).json()) as EmailState;

/**
 * The links of the acknowledgement a real inquiry produced, taken from the email's HTML part.
 * Every email topic is then set on through the preferences link (the address's own link may
 * grant), so that the page starts the same whatever the opt-in mode.
 */
async function linksFromRealEmail() {
  const email = uniqueEmail('browser');
  await postJson('/inquiries', { name: 'Browser Person', email, consent: { email: true, sms: false } }, asNewClient());
  await drainOutbox();
  const html = (await mail()).find((message) => message.destination.to.includes(email))?.body.html ?? '';
  const href = (path: string) =>
    new RegExp(`href="([^"]*/${path}\\?token=[^"]+)"`).exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
  const links = { email, preferences: href('preferences'), unsubscribe: href('unsubscribe') };
  const allOn = await fetch(links.preferences, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: { newsletter: true, product_updates: true, marketing: true } }),
  });
  expect(allOn.status).toBe(200);
  return links;
}

describe('preference center in a real browser', () => {
  it('unticks a topic with the keyboard, saves, and shows the new state', async () => {
    // Arrange
    const links = await linksFromRealEmail();
    expect(links.preferences.startsWith(apiUrl())).toBe(true);
    const page = await browser.newPage();
    // Act
    await page.goto(links.preferences);
    const emailGroup = page.getByRole('group', { name: 'Email' });
    const newsletter = emailGroup.getByLabel('Newsletter');
    await expect(newsletter.isChecked()).resolves.toBe(true);
    await newsletter.focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Save preferences' }).press('Enter');
    await page.waitForLoadState();
    // Assert
    await expect(page.getByRole('status').textContent()).resolves.toContain('Your preferences are saved.');
    await expect(page.getByRole('group', { name: 'Email' }).getByLabel('Newsletter').isChecked()).resolves.toBe(false);
    await expect(page.getByRole('group', { name: 'Email' }).getByLabel('Product updates').isChecked()).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/preferences-saved.png`, fullPage: true });
    const state = await stateOf(links.preferences);
    expect(state.topics).toEqual({ newsletter: false, product_updates: true, marketing: true });
    await page.close();
  });

  it('shows the page of the email address only: its masked address, no texts', async () => {
    const links = await linksFromRealEmail();
    const page = await browser.newPage();
    await page.goto(links.preferences);
    await expect(page.getByRole('group').count()).resolves.toBe(1);
    await expect(page.getByLabel('Unsubscribe from all email').count()).resolves.toBe(1);
    await expect(page.getByLabel('Stop all texts').count()).resolves.toBe(0);
    await expect(page.locator('main').textContent()).resolves.toContain('b***@example.com');
    await page.close();
  });

  it('saves "no topics" when every box is unticked, and answers with a page', async () => {
    // Arrange
    const links = await linksFromRealEmail();
    const page = await browser.newPage();
    await page.goto(links.preferences);
    const boxes = page.getByRole('group', { name: 'Email' }).getByRole('checkbox');
    // Act: untick every ticked box, then press Save
    for (const box of await boxes.all()) if (await box.isChecked()) await box.click();
    const sent = page.waitForRequest((request: Request) => request.method() === 'POST');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    const request = await sent;
    await page.waitForLoadState();
    // Assert: the browser sent an empty form, and got a page back, not JSON
    expect(request.postData() ?? '').toBe('');
    const response = await request.response();
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toContain('text/html');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your communication preferences');
    await expect(page.getByRole('status').textContent()).resolves.toContain('Your preferences are saved.');
    for (const box of await page.getByRole('group', { name: 'Email' }).getByRole('checkbox').all())
      await expect(box.isChecked()).resolves.toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}/preferences-none.png`, fullPage: true });
    // Assert: the stored state has no topic, and the ledger recorded the withdrawal
    const state = await stateOf(links.preferences);
    expect(state).toMatchObject({ channel: 'email', topics: { newsletter: false, product_updates: false, marketing: false } });
    const contact = (await tableItems()).find((item) => item.entity === 'contact' && item.email === links.email);
    expect(contact).toMatchObject({
      pref_email_newsletter: false,
      pref_email_product_updates: false,
      pref_email_marketing: false,
    });
    await page.close();
  });

  it('changes nothing on opening the unsubscribe link, and unsubscribes when the button is pressed', async () => {
    // Arrange
    const links = await linksFromRealEmail();
    const page = await browser.newPage();
    // Act: open the link, as a person or a link scanner would
    await page.goto(links.unsubscribe);
    // Assert: one button, nothing changed
    await expect(page.getByRole('button').count()).resolves.toBe(1);
    expect((await stateOf(links.preferences)).unsubscribedFromAllEmail).toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}/unsubscribe-page.png`, fullPage: true });
    // Act: press it
    await page.getByRole('button', { name: /Unsubscribe from all email/ }).click();
    await page.waitForLoadState();
    // Assert
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('You are unsubscribed');
    const state = await stateOf(links.preferences);
    expect(state.unsubscribedFromAllEmail).toBe(true);
    expect(state.topics).toEqual({ newsletter: false, product_updates: false, marketing: false });
    await page.screenshot({ path: `${ARTIFACTS}/unsubscribed.png`, fullPage: true });
    await page.close();
  });
});

describe('inquiry form in a real browser', () => {
  it('submits a website form and lands on the thank-you page', async () => {
    // Arrange: a dealer's website on its own origin, with a plain HTML form posting to the API
    const website = 'http://dealer.example/contact';
    const page = await browser.newPage({ extraHTTPHeaders: asNewClient() });
    await page.route(website, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body:
          '<!doctype html><html lang="en"><head><title>Contact us</title></head><body>' +
          `<form method="post" action="${apiUrl()}/inquiries">` +
          '<label>Name <input name="name"></label><label>Email <input name="email" type="email"></label>' +
          '<label>Message <textarea name="message"></textarea></label>' +
          '<input name="website" type="hidden" value="">' +
          '<button type="submit">Send</button></form></body></html>',
      }),
    );
    await page.goto(website);
    // Act
    await page.getByLabel('Name').fill('Form Person');
    await page.getByLabel('Email').fill(uniqueEmail('website'));
    await page.getByLabel('Message').fill('Do you integrate with our DMS?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`${apiUrl()}/thank-you`);
    // Assert
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Thank you');
    await expect(page.getByRole('status').textContent()).resolves.toContain('We have your inquiry');
    await expect(page.locator('footer').textContent()).resolves.toContain('Forecourt Demo Motors Software');
    await page.screenshot({ path: `${ARTIFACTS}/thank-you.png`, fullPage: true });
    await page.close();
  });
});
