import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiUrl, drainOutbox, mail, postJson, randomClientIp, tableItems, uniqueEmail } from '../integration/local-stack.js';
import { ARTIFACTS, launchChromium } from './browser.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const statusOf = async (email: string) =>
  (await tableItems()).find((item) => item.entity === 'privacy_request' && item.email === email)?.status;

describe('privacy request confirm page in a real browser', () => {
  it('opens from the acknowledgement email, changes nothing until Confirm is pressed, then confirms', async () => {
    // Arrange: a known address asks for a correction; its acknowledgement is in the local mail store
    const email = uniqueEmail('browser-privacy');
    await postJson('/inquiries', { name: 'Browser Person', email }, { 'X-Forwarded-For': randomClientIp() });
    await postJson(
      '/privacy-requests',
      { type: 'correction', email, details: 'My company is now Acme Motors' },
      { 'X-Forwarded-For': randomClientIp() },
    );
    await drainOutbox();
    const html = (await mail()).find(
      (message) => message.destination.to.includes(email) && message.subject.includes('privacy request'),
    )?.body.html;
    const link = /href="([^"]*\/privacy-requests\/confirm\?token=[^"]+)"/.exec(html ?? '')?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(link.startsWith(apiUrl())).toBe(true);
    const page = await browser.newPage();
    // Act: open the link
    await page.goto(link);
    // Assert: the page names the request and the masked address, and nothing changed
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Confirm your privacy request');
    await expect(page.locator('main').textContent()).resolves.toContain('b***@example.com');
    await expect(page.locator('main').textContent()).resolves.not.toContain(email);
    expect(await statusOf(email)).toBe('pending_verification');
    await page.screenshot({ path: `${ARTIFACTS}/privacy-confirm.png`, fullPage: true });
    // Act: press Confirm
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForLoadState();
    // Assert: the confirmation shows, and the request is verified
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your request is confirmed');
    await expect(page.getByRole('status').textContent()).resolves.toContain('Our staff will make the correction');
    expect(await statusOf(email)).toBe('verified');
    await page.screenshot({ path: `${ARTIFACTS}/privacy-confirmed.png`, fullPage: true });
    await page.close();
  });
});
