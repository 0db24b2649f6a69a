import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiUrl, staffToken } from '../integration/local-stack.js';

/** Debian's Chromium, as .ci/run installs it; `CHROMIUM_PATH` points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: Browser;
let site: Server;
let siteUrl: string;

/** A tiny website on 127.0.0.1 that includes the script as a customer's site would. */
function startSite(): Promise<void> {
  site = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><html><head><title>${request.url}</title><script src="${apiUrl()}/forecourt.js" defer></script></head><body><h1>Inventory</h1></body></html>`,
    );
  });
  return new Promise((resolve) =>
    site.listen(0, '127.0.0.1', () => {
      const address = site.address();
      siteUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  await startSite();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
});

const today = () => new Date().toISOString().slice(0, 10);

interface Report {
  pages: { path: string; views: number; engagements: number }[];
}

async function pageStats(path: string) {
  const token = await staffToken(['marketing']);
  const response = await fetch(`${apiUrl()}/admin/analytics?from=${today()}&to=${today()}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as Report).pages.find((page) => page.path === path);
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((wake) => setTimeout(wake, 250));
  }
}

describe('the tracking script in a real browser', () => {
  it('sends a pageview on load and an engagement with the seconds on page when the page is hidden', async () => {
    // Arrange: three visitors (three browser profiles), since a page read by fewer than 3 is not shown
    const path = `/e2e-${Math.random().toString(36).slice(2, 8)}`;
    const contexts = await Promise.all([1, 2, 3].map(() => browser.newContext()));
    const beacons: string[] = [];
    const pages = await Promise.all(
      contexts.map(async (context) => {
        const page = await context.newPage();
        page.on('request', (request) => {
          if (request.url() === `${apiUrl()}/events`) beacons.push(request.postData() ?? '');
        });
        return page;
      }),
    );
    // Act
    await Promise.all(pages.map((page) => page.goto(`${siteUrl}${path}?utm_source=newsletter#top`)));
    await eventually(
      () => pageStats(path),
      (stats) => (stats?.views ?? 0) >= 3,
    );
    await pages[0]?.waitForTimeout(1100);
    await Promise.all(pages.map((page) => page.close({ runBeforeUnload: true })));
    // Assert
    const stats = await eventually(
      () => pageStats(path),
      (value) => (value?.engagements ?? 0) >= 3,
    );
    expect(stats).toMatchObject({ path, views: 3, engagements: 3 });
    expect(beacons.join('\n')).not.toContain('utm_source');
    await Promise.all(contexts.map((context) => context.close()));
  });

  it('sends nothing when the browser sends Global Privacy Control', async () => {
    // Arrange: navigator.globalPrivacyControl, as a browser with GPC switched on exposes it
    const path = `/e2e-gpc-${Math.random().toString(36).slice(2, 8)}`;
    const context = await browser.newContext();
    await context.addInitScript({
      content: "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });",
    });
    const page = await context.newPage();
    const beacons: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/events')) beacons.push(request.url());
    });
    // Act
    await page.goto(`${siteUrl}${path}`);
    await page.waitForLoadState('networkidle');
    await page.close({ runBeforeUnload: true });
    await new Promise((wake) => setTimeout(wake, 1000));
    // Assert
    expect(beacons).toEqual([]);
    expect(await pageStats(path)).toBeUndefined();
    await context.close();
  });
});

describe('the analytics report page', () => {
  it('shows the daily chart, top pages and organisations with no script and no CSP violation', async () => {
    // Arrange
    const token = await staffToken(['analyst']);
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    // Act
    const response = await page.goto(`${apiUrl()}/admin/analytics?from=${today()}&to=${today()}`);
    // Assert
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await expect(page.locator('h1').textContent()).resolves.toBe('Site analytics');
    expect(await page.locator('svg rect').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['Top pages', 'Top organisations']));
    expect(await page.locator('a[href="https://db-ip.com"]').count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);
    expect(violations).toEqual([]);
    await context.close();
  });
});
