import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiUrl, drainOutbox, mail, postJson, uniqueEmail } from '../integration/local-stack.js';

/** Debian's Chromium, as .ci/run installs it; `CHROMIUM_PATH` points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = 'test-results/e2e';

let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** The links of the acknowledgement a real inquiry produced, taken from the email's HTML part. */
async function linksFromRealEmail() {
  const email = uniqueEmail('browser');
  await postJson('/inquiries', { name: 'Browser Person', email, consent: { email: true, sms: false } });
  await drainOutbox();
  const html = (await mail()).find((message) => message.destination.to.includes(email))?.body.html ?? '';
  const href = (path: string) =>
    new RegExp(`href="([^"]*/${path}\\?token=[^"]+)"`).exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
  return { preferences: href('preferences'), unsubscribe: href('unsubscribe') };
}

const stateOf = async (preferencesUrl: string) =>
  (await (await fetch(preferencesUrl, { headers: { accept: 'application/json' } })).json()) as {
    preferences: { email: Record<string, boolean> };
    unsubscribedFromAllEmail: boolean;
  };

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
    expect(state.preferences.email).toEqual({ newsletter: false, product_updates: true, marketing: true });
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
    expect(state.preferences.email).toEqual({ newsletter: false, product_updates: false, marketing: false });
    await page.screenshot({ path: `${ARTIFACTS}/unsubscribed.png`, fullPage: true });
    await page.close();
  });
});
