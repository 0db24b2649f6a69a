import { describe, expect, it } from '@jest/globals';
import { apiUrl, drainOutbox, staffToken, tableItems } from './local-stack.js';

const today = () => new Date().toISOString().slice(0, 10);
const run = Math.random().toString(36).slice(2, 8);
const octet = () => 1 + Math.floor(Math.random() * 253);

/** One beacon from a client address, as a browser's sendBeacon posts it (text/plain) unless told otherwise. */
async function beacon(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${apiUrl()}/events`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-forwarded-for': `10.${octet()}.${octet()}.${octet()}`, ...headers },
  });
}

/** The report, once the analytics queue has delivered every beacon sent so far to its aggregator. */
async function report(from = today(), to = today()) {
  await drainOutbox();
  const token = await staffToken(['analyst']);
  const response = await fetch(`${apiUrl()}/admin/analytics?from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & {
      pages: { path: string; views: number; visitors: number | null }[];
      organisations: { name: string; visitors: number; pages: { path: string; visitors: number }[] }[];
      totals: { visitors: number };
    },
  };
}

/** Every stored value as text, sets and binaries included, to search for what must not be there. */
async function tableText(): Promise<string> {
  await drainOutbox();
  const items = await tableItems();
  return JSON.stringify(items, (_key, value: unknown) =>
    value instanceof Set ? [...value] : value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
  );
}

describe('POST /events', () => {
  it('answers 204 and sets fc_vid once: random, Secure, HttpOnly, SameSite=Lax, 13 months at most', async () => {
    const response = await beacon({ type: 'pageview', path: `/cookie-${run}` });

    expect(response.status).toBe(204);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^fc_vid=[A-Za-z0-9_-]{22}; /);
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(365 * 86_400);
    expect(maxAge).toBeLessThanOrEqual(396 * 86_400);
    const other = await beacon({ type: 'pageview', path: `/cookie-${run}` });
    expect(other.headers.get('set-cookie')?.split(';')[0]).not.toBe(cookie.split(';')[0]);
  });

  it('never extends the cookie: a request that carries a valid one gets no Set-Cookie', async () => {
    const first = await beacon({ type: 'pageview', path: `/cookie-${run}` });
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    const [again, engagement] = await Promise.all([
      beacon({ type: 'pageview', path: `/cookie-${run}` }, { cookie: `theme=dark; ${cookie}` }),
      beacon({ type: 'engagement', path: `/cookie-${run}`, seconds: 4 }, { cookie }),
    ]);

    expect([again.status, engagement.status]).toEqual([204, 204]);
    expect([again.headers.get('set-cookie'), engagement.headers.get('set-cookie')]).toEqual([null, null]);
  });

  it('replaces a forged cookie value with a new random one', async () => {
    const response = await beacon({ type: 'pageview', path: `/cookie-${run}` }, { cookie: 'fc_vid=../../etc/passwd' });
    expect(response.headers.get('set-cookie')).toMatch(/^fc_vid=[A-Za-z0-9_-]{22}; /);
  });

  it.each([
    ['Sec-GPC: 1', { 'sec-gpc': '1' }],
    ['DNT: 1', { dnt: '1' }],
  ])('with %s sets no cookie, counts the view and attributes nothing', async (_label, signal) => {
    // Arrange: a visitor without a signal opens the path that day (an opted-out view never opens one)
    const path = `/gpc-${run}-${Object.keys(signal)[0]}`;
    await beacon({ type: 'pageview', path });
    await drainOutbox();
    const pathItems = async () =>
      (await tableItems()).filter((item) => String(item.pk).startsWith('ANALYTICS#') && String(item.sk).includes(path));
    const dimensionsOf = (item: Record<string, unknown> | undefined) =>
      Object.fromEntries(Object.entries(item ?? {}).filter(([name]) => /^[blc]:/.test(name)));
    const opened = await pathItems();
    const before = opened.find((item) => String(item.sk).startsWith('PATH#'));
    const visitorsBefore = opened.find((item) => String(item.sk).startsWith('UNIQ#'))?.h;
    // Act: three visitors from Ford's network, each with a do-not-track signal
    const responses = await Promise.all(
      [1, 2, 3].map((n) =>
        beacon(
          { type: 'pageview', path },
          { ...signal, 'x-forwarded-for': `19.0.${n}.9`, cookie: `fc_vid=${'A'.repeat(21)}${n}` },
        ),
      ),
    );
    // Assert
    expect(responses.map((response) => [response.status, response.headers.get('set-cookie')])).toEqual([
      [204, null],
      [204, null],
      [204, null],
    ]);
    // The views are counted on the path's item, and nothing else: no visitor, no organisation, no browser
    const { body } = await report();
    const items = await pathItems();
    expect(items.map((item) => String(item.sk).split('#')[0]).sort()).toEqual(['PATH', 'UNIQ']);
    const after = items.find((item) => String(item.sk).startsWith('PATH#'));
    expect(after).toMatchObject({ views: 4, optedOutViews: 3, unidentifiedViews: 1 });
    expect(dimensionsOf(after)).toEqual(dimensionsOf(before));
    expect(visitorsBefore).toBeDefined();
    expect(items.find((item) => String(item.sk).startsWith('UNIQ#'))?.h).toEqual(visitorsBefore);
    // A page without 3 counted visitors is not shown on its own
    expect(body.pages.find((page) => page.path === path)).toBeUndefined();
    expect(body.organisations.flatMap((org) => org.pages.map((page) => page.path))).not.toContain(path);
  });

  it('takes Sec-GPC: 0 and DNT: 0 as no signal at all', async () => {
    const response = await beacon({ type: 'pageview', path: `/gpc0-${run}` }, { 'sec-gpc': '0', dnt: '0' });
    expect(response.headers.get('set-cookie')).toMatch(/^fc_vid=/);
  });

  it('shows an organisation from 3 visitors on its network, with the pages they read, and none from 2', async () => {
    // Arrange: three visitors in Apple's 17.0.0.0/8, two in the US Postal Service's 56.0.0.0/8, one from Comcast
    const path = `/org-${run}`;
    // Act
    await Promise.all([
      ...[1, 2, 3].map((n) =>
        beacon({ type: 'pageview', path: `${path}?utm_source=mail` }, { 'x-forwarded-for': `17.253.144.${n}` }),
      ),
      ...[1, 2].map((n) => beacon({ type: 'pageview', path }, { 'x-forwarded-for': `56.0.0.${n}` })),
      beacon({ type: 'pageview', path }, { 'x-forwarded-for': `73.1.2.7` }),
    ]);
    // Assert
    const { body } = await report();
    const readers = body.organisations.filter((org) => org.pages.some((page) => page.path === path)).map((org) => org.name);
    expect(readers).toContain('Apple Inc.');
    expect(readers).not.toContain('United States Postal Service');
    expect(readers).not.toContain('Comcast Cable Communications, LLC');
    expect(body.pages.find((page) => page.path === path)).toMatchObject({ views: 6, visitors: 6 });
    expect(JSON.stringify(body.attribution)).toContain('db-ip.com');
  });

  it('shows no page or organisation of 2 visitors, in JSON or in the HTML page: they fold into "other"', async () => {
    // Arrange: two visitors from Ford Motor Company's 19.0.0.0/8 read a page of their own
    const path = `/pair-${run}`;
    // Act
    await Promise.all([1, 2].map((n) => beacon({ type: 'pageview', path }, { 'x-forwarded-for': `19.0.${n}.1` })));
    const { body } = await report();
    const html = await (
      await fetch(`${apiUrl()}/admin/analytics?from=${today()}&to=${today()}`, {
        headers: { authorization: `Bearer ${await staffToken(['analyst'])}`, accept: 'text/html' },
      })
    ).text();
    // Assert
    expect(JSON.stringify(body)).not.toContain(path);
    expect(JSON.stringify(body)).not.toContain('Ford Motor Company');
    expect(html).not.toContain(path);
    expect(html).not.toContain('Ford Motor Company');
    const figures: number[] = [];
    JSON.stringify(
      body,
      (key, value: unknown) => (key === 'visitors' && typeof value === 'number' && figures.push(value), value),
    );
    expect(figures.filter((visitors) => visitors < 3)).toEqual([]);
  });

  it('cuts the address before any use and stores no address: a table scan finds neither the address nor its network', async () => {
    // Arrange
    const v4 = `17.253.${octet()}.${octet()}`;
    const v6 = `2620:149:${octet().toString(16)}:${octet().toString(16)}::${octet().toString(16)}`;
    // Act
    await beacon({ type: 'pageview', path: `/ip-${run}` }, { 'x-forwarded-for': v4 });
    await beacon({ type: 'pageview', path: `/ip-${run}` }, { 'x-forwarded-for': v6 });
    // Assert
    const stored = await tableText();
    const network = v4.split('.').slice(0, 3).join('.');
    expect(stored).not.toContain(v4);
    expect(stored).not.toContain(`${network}.`);
    expect(stored.toLowerCase()).not.toContain(v6.split('::')[0]);
  });

  it('keeps no query string, fragment or referrer', async () => {
    await beacon({
      type: 'pageview',
      path: `/q-${run}?email=jane@example.com#token=secret`,
      referrer: `https://ref-${run}.example/?q=x`,
    });
    const stored = await tableText();
    expect(stored).toContain(`/q-${run}`);
    expect(stored).not.toContain('jane@example.com');
    expect(stored).not.toContain('token=secret');
    expect(stored).not.toContain(`ref-${run}`);
  });

  it('refuses bad beacons with a clear 4xx and counts nothing', async () => {
    const path = `/bad-${run}`;
    const responses = await Promise.all([
      beacon({ type: 'pageview', path, visitor: 'x' }),
      beacon({ type: 'engagement', path, seconds: 999_999 }),
      beacon('{"type":"pageview",'),
      beacon({ type: 'pageview', path }, { 'content-type': 'application/xml' }),
      beacon({ type: 'pageview', path: `${path}/${'x'.repeat(17_000)}` }),
    ]);
    expect(
      await Promise.all(
        responses.map(async (response) => [response.status, ((await response.json()) as { error: { code: string } }).error.code]),
      ),
    ).toEqual([
      [400, 'validation_failed'],
      [400, 'validation_failed'],
      [400, 'malformed_body'],
      [415, 'unsupported_media_type'],
      [413, 'payload_too_large'],
    ]);
    expect(await tableText()).not.toContain(path);
  });

  it('allows the configured site origins with credentials, and no other origin', async () => {
    const allowed = await beacon({ type: 'pageview', path: `/cors-${run}` }, { origin: 'http://localhost:5173' });
    const foreign = await beacon({ type: 'pageview', path: `/cors-${run}` }, { origin: 'https://evil.example' });
    expect([allowed.headers.get('access-control-allow-origin'), allowed.headers.get('access-control-allow-credentials')]).toEqual(
      ['http://localhost:5173', 'true'],
    );
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GET /forecourt.js and /.well-known/gpc.json', () => {
  it('serves the script as text/javascript with an ETag, and 304 for the same version', async () => {
    const response = await fetch(`${apiUrl()}/forecourt.js`);
    const etag = response.headers.get('etag') ?? '';
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d{5,}/);
    expect(await response.text()).toContain(`${apiUrl()}/events`);
    const again = await fetch(`${apiUrl()}/forecourt.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('states that GPC is honoured', async () => {
    const response = await fetch(`${apiUrl()}/.well-known/gpc.json`);
    expect(await response.json()).toEqual({ gpc: true, lastUpdate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });
});

describe('GET /admin/analytics', () => {
  it('refuses bad dates and ranges over 366 days with 400', async () => {
    const statuses = await Promise.all(
      [
        ['2026-13-01', '2026-12-01'],
        ['2026-01-02', '2026-01-01'],
        ['2024-01-01', '2025-01-01'],
        ['yesterday', 'today'],
      ].map(async ([from, to]) => (await report(from, to)).status),
    );
    expect(statuses).toEqual([400, 400, 400, 400]);
  });

  it('counts unique visitors over a range once each', async () => {
    const path = `/uniques-${run}`;
    const cookies = Array.from({ length: 5 }, (_, n) => `fc_vid=${`U${run}`.padEnd(21, 'u')}${n}`);
    for (const cookie of [...cookies, ...cookies]) await beacon({ type: 'pageview', path }, { cookie });
    const { body } = await report();
    expect(body.pages.find((page) => page.path === path)).toMatchObject({ views: 10, visitors: 5 });
  });
});
