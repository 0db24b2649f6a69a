import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { reportBody } from '../../functions/admin/analytics-html.js';
import { parseBeaconCount } from '../../functions/analytics/count-schema.js';
import { parseBeacon } from '../../functions/analytics/schema.js';
import { ensureNetworkAsset } from '../../scripts/build-network-asset.js';
import { NetworkAsset } from '../../shared/adapters/networks/network-asset.js';
import { Sketch, sketchElement } from '../../shared/domain/analytics/hll.js';
import { networkText, truncateIp } from '../../shared/domain/analytics/ip.js';
import { classifyNetwork } from '../../shared/domain/analytics/network-kind.js';
import { languageOf, recordBeacon } from '../../shared/domain/analytics/record-beacon.js';
import type { NetworkLookup } from '../../shared/domain/analytics/record-beacon.js';
import { buildReport, reportDays } from '../../shared/domain/analytics/report.js';
import { tallyBeacons } from '../../shared/domain/analytics/tally.js';
import { ValidationError } from '../../shared/domain/errors.js';
import type { AnalyticsDay, BeaconCount, BeaconQueue, PageviewCount, VisitorSalts } from '../../shared/ports/analytics-store.js';

const hashOf = (text: string) => createHash('sha256').update(text).digest();

/** The analytics queue and the salts in memory: what the beacon queued, in order. */
class InMemoryQueue implements BeaconQueue, VisitorSalts {
  readonly queued: BeaconCount[] = [];
  readonly salts = new Map<string, Buffer>();
  async enqueue(count: BeaconCount) {
    this.queued.push(count);
  }
  get pageviews(): PageviewCount[] {
    return this.queued.flatMap(({ kind, ...count }) => (kind === 'pageview' ? [count as PageviewCount] : []));
  }
  get engagements() {
    return this.queued.filter((count) => count.kind === 'engagement');
  }
  async dailySalt(day: string) {
    if (!this.salts.has(day)) this.salts.set(day, hashOf(`salt-${day}`));
    return this.salts.get(day) as Buffer;
  }
}

const APPLE = { owner: { asn: 714, name: 'Apple Inc.' }, country: 'US' };
const COMCAST = { owner: { asn: 7922, name: 'Comcast Cable Communications, LLC' }, country: 'US' };
const fixedNetworks = (facts: ReturnType<NetworkLookup['lookup']>): NetworkLookup & { seen: unknown[] } => {
  const seen: unknown[] = [];
  return { seen, lookup: (ip) => (seen.push(ip), facts) };
};
const clock = { now: () => new Date('2026-11-26T10:00:00Z') };
const pageview = { type: 'pageview', path: '/pricing' } as const;

describe('truncateIp', () => {
  it('cuts an IPv4 address to its /24', () => {
    expect(networkText(truncateIp('203.0.113.77')!)).toBe('203.0.113.0/24');
  });

  it('cuts an IPv6 address to its /48', () => {
    expect(networkText(truncateIp('2001:db8:abcd:12:34::1')!)).toBe('2001:db8:abcd::/48');
    expect(networkText(truncateIp('2001:db8::1')!)).toBe('2001:db8:0::/48');
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(networkText(truncateIp('::ffff:198.51.100.9')!)).toBe('198.51.100.0/24');
  });

  it('gives nothing for what is not an address', () => {
    expect([truncateIp(''), truncateIp('localhost'), truncateIp('300.1.1.1'), truncateIp(undefined)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('the HyperLogLog sketch', () => {
  it('counts a known set of visitors over a range within the sketch error, not as the sum of daily uniques', () => {
    // Arrange: 5 000 visitors, each seen on 1 to 7 of the 7 days (returning visitors overlap days).
    const days = Array.from({ length: 7 }, () => new Sketch());
    const dailyTruth = Array.from({ length: 7 }, () => new Set<number>());
    for (let visitor = 0; visitor < 5000; visitor += 1) {
      for (let day = 0; day < 7; day += 1) {
        if ((visitor * 31 + day * 17) % 7 > visitor % 7) continue;
        days[day]!.addElements([sketchElement(hashOf(`visitor-${visitor}`))]);
        dailyTruth[day]!.add(visitor);
      }
    }
    const seen = new Set(dailyTruth.flatMap((set) => [...set]));
    // Act
    const range = days.reduce((merged, day) => merged.merge(day), new Sketch()).estimate();
    const sumOfDaily = days.reduce((sum, day) => sum + day.estimate(), 0);
    // Assert: three standard errors (3 × 3.3 %) of the true count, and far from the sum of the days.
    expect(Math.abs(range - seen.size) / seen.size).toBeLessThan(0.1);
    expect(sumOfDaily).toBeGreaterThan(seen.size * 1.5);
  });

  it('counts small numbers of visitors exactly, and the same visitor once', () => {
    const sketch = new Sketch().addElements(['a', 'b', 'c', 'a', 'b'].map((v) => sketchElement(hashOf(v))));
    expect(sketch.estimate()).toBe(3);
  });
});

describe('classifyNetwork', () => {
  it.each([
    [7922, 'Comcast Cable Communications, LLC', 'isp'],
    [1, 'Some Regional Broadband Co', 'isp'],
    [2, 'Deutsche Telekom AG', 'isp'],
    [21928, 'T-Mobile USA, Inc.', 'mobile'],
    [3, 'Vodafone Libertel B.V.', 'mobile'],
    [16509, 'Amazon.com, Inc.', 'hosting'],
    [4, 'Example Hosting Ltd', 'hosting'],
    [5, 'ACME Cloud Services', 'hosting'],
    [714, 'Apple Inc.', 'business'],
    [521, 'Ford Motor Company', 'business'],
    [17557, 'Pakistan Telecommuication company limited', 'isp'],
    [12, 'Kazakhtelecom', 'isp'],
  ] as const)('AS%i %s is %s', (asn, name, kind) => {
    expect(classifyNetwork(asn, name)).toBe(kind);
  });
});

describe('the network asset', () => {
  let asset: NetworkAsset;
  beforeAll(async () => {
    asset = NetworkAsset.load(await ensureNetworkAsset());
  }, 180_000);

  it('finds the owner of known prefixes from the truncated address', () => {
    expect(asset.lookup(truncateIp('17.253.144.10')!).owner).toEqual({ asn: 714, name: 'Apple Inc.' });
    expect(asset.lookup(truncateIp('19.0.0.1')!).owner).toEqual({ asn: 521, name: 'Ford Motor Company' });
    expect(asset.lookup(truncateIp('2620:149::1')!).owner).toEqual({ asn: 714, name: 'Apple Inc.' });
    expect(asset.lookup(truncateIp('8.8.8.8')!)).toEqual({ owner: { asn: 15169, name: 'Google LLC' }, country: 'US' });
  });

  it('knows no owner of private and documentation addresses', () => {
    expect(asset.lookup(truncateIp('192.168.1.1')!).owner).toBeUndefined();
    expect(asset.lookup(truncateIp('198.51.100.7')!).owner).toBeUndefined();
  });

  it.each([
    ['2.16.21.7', 'PJSC Rostelecom', 'isp'],
    ['2.17.225.7', 'Turk Telekomunikasyon Anonim Sirketi', 'isp'],
    ['2.148.1.7', 'Telenor Norge AS', 'isp'],
    ['45.12.193.7', 'Verein zur Foerderung eines Deutschen Forschungsnetzes e.V.', 'isp'],
    ['129.125.1.7', 'SURF B.V.', 'isp'],
    ['37.64.1.7', 'Societe Francaise Du Radiotelephone - SFR SA', 'mobile'],
    ['41.80.1.7', 'Safaricom Limited', 'mobile'],
    ['177.252.1.7', 'Colombia Movil', 'mobile'],
    ['2.56.1.7', 'Equinix (EMEA) Acquisition Enterprises B.V.', 'hosting'],
    ['9.9.9.9', 'Quad9', 'hosting'],
    ['19.0.0.7', 'Ford Motor Company', 'business'],
    ['56.0.0.7', 'United States Postal Service', 'business'],
  ] as const)('classes %s (%s in the database) as %s, on the truncated address', (address, name, kind) => {
    const owner = asset.lookup(truncateIp(address)!).owner!;
    expect(owner.name).toBe(name);
    expect(classifyNetwork(owner.asn, owner.name)).toBe(kind);
  });

  it('classes ISP and hosting networks from the database as unidentified', () => {
    const comcast = asset.lookup(truncateIp('73.1.2.3')!).owner!;
    const google = asset.lookup(truncateIp('8.8.8.8')!).owner!;
    expect([classifyNetwork(comcast.asn, comcast.name), classifyNetwork(google.asn, google.name)]).toEqual(['isp', 'hosting']);
  });
});

/** A beacon's ports on `day` at noon UTC, over `store`, with no network known. */
const noonOf = (store: InMemoryQueue, day: string) => ({
  queue: store,
  salts: store,
  networks: fixedNetworks({}),
  clock: { now: () => new Date(`${day}T12:00:00Z`) },
});
describe('recordBeacon', () => {
  it('counts only the view under GPC or DNT: no cookie, no visitor, no dimension, no lookup', async () => {
    // Arrange
    const store = new InMemoryQueue();
    const networks = fixedNetworks(APPLE);
    // Act
    const result = await recordBeacon(
      { queue: store, salts: store, networks, clock },
      { event: pageview, optedOut: true, userAgent: 'Mozilla/5.0 Firefox/120.0', acceptLanguage: 'en-US' },
    );
    // Assert
    expect(result).toEqual({});
    expect(store.pageviews).toEqual([{ day: '2026-11-26', path: '/pricing', optedOut: true }]);
    expect(networks.seen).toEqual([]);
    expect(store.salts.size).toBe(0);
  });

  it('counts no engagement under GPC or DNT', async () => {
    const store = new InMemoryQueue();
    await recordBeacon(
      { queue: store, salts: store, networks: fixedNetworks({}), clock },
      { event: { type: 'engagement', path: '/', seconds: 5 }, optedOut: true },
    );
    expect([store.pageviews, store.engagements]).toEqual([[], []]);
  });

  it('sets a new visitor id when there is no valid cookie, and none when there is one', async () => {
    const store = new InMemoryQueue();
    const deps = { queue: store, salts: store, networks: fixedNetworks({}), clock, newVisitorId: () => 'N'.repeat(22) };
    const fresh = await recordBeacon(deps, { event: pageview, optedOut: false });
    const forged = await recordBeacon(deps, { event: pageview, optedOut: false, visitorCookie: 'not-an-id' });
    const known = await recordBeacon(deps, { event: pageview, optedOut: false, visitorCookie: 'K'.repeat(22) });
    expect([fresh, forged, known]).toEqual([{ setVisitorId: 'N'.repeat(22) }, { setVisitorId: 'N'.repeat(22) }, {}]);
  });

  it('attributes a business network, and counts an ISP network as unidentified', async () => {
    const store = new InMemoryQueue();
    await recordBeacon(
      { queue: store, salts: store, networks: fixedNetworks(APPLE), clock },
      { event: pageview, optedOut: false, network: truncateIp('17.1.1.1')! },
    );
    await recordBeacon(
      { queue: store, salts: store, networks: fixedNetworks(COMCAST), clock },
      { event: pageview, optedOut: false, network: truncateIp('73.1.2.3')! },
    );
    expect(store.pageviews.map((count) => count.organisation)).toEqual([{ asn: 714, name: 'Apple Inc.' }, undefined]);
    expect(store.pageviews.map((count) => count.country)).toEqual(['US', 'US']);
  });

  it('counts the same visitor as the same sketch element within a day, and unlinkably the next day', async () => {
    const store = new InMemoryQueue();
    const deps = (day: string) => noonOf(store, day);
    const visit = { event: pageview, optedOut: false, visitorCookie: 'V'.repeat(22) };
    await recordBeacon(deps('2026-11-26'), visit);
    await recordBeacon(deps('2026-11-26'), visit);
    await recordBeacon(deps('2026-11-27'), visit);
    const [first, again, nextDay] = store.pageviews.map((count) => count.visitor);
    expect(first).toBe(again);
    expect(nextDay).not.toBe(first);
  });

  it('takes the country from the network database (never a header the client sets), the browser family and the primary language', async () => {
    const store = new InMemoryQueue();
    await recordBeacon(
      { queue: store, salts: store, networks: fixedNetworks(APPLE), clock },
      {
        event: pageview,
        optedOut: false,
        network: truncateIp('17.1.1.1')!,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
        acceptLanguage: 'fr-ca,en;q=0.8',
      },
    );
    expect(store.pageviews[0]).toMatchObject({ country: 'US', browser: 'Firefox', language: 'fr' });
  });

  it('queues a daily-salted 16-bit id of the network, never the network: the same all day, unlinkable the next, none under GPC or DNT', async () => {
    // Arrange
    const store = new InMemoryQueue();
    const deps = (day: string) => noonOf(store, day);
    const from = (address: string, optedOut = false) => ({ event: pageview, optedOut, network: truncateIp(address)! });
    // Act: two addresses of one /24, another /24, the first /24 the next day, and an opted-out view
    await recordBeacon(deps('2026-11-26'), from('198.51.100.7'));
    await recordBeacon(deps('2026-11-26'), from('198.51.100.200'));
    await recordBeacon(deps('2026-11-26'), from('203.0.113.9'));
    await recordBeacon(deps('2026-11-27'), from('198.51.100.7'));
    await recordBeacon(deps('2026-11-26'), from('198.51.100.7', true));
    // Assert
    const [first, sameNetwork, otherNetwork, nextDay, optedOut] = store.pageviews.map((count) => count.network);
    expect(first).toEqual(expect.any(Number));
    expect(first).toBeLessThan(65_536);
    expect(sameNetwork).toBe(first);
    expect(otherNetwork).not.toBe(first);
    expect(nextDay).not.toBe(first);
    expect(optedOut).toBeUndefined();
    expect(JSON.stringify(store.pageviews)).not.toMatch(/198\.51|203\.0/);
  });
});

describe('languageOf', () => {
  it('knows exactly the two-letter codes the runtime can name, without asking it', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
    const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
    const codes = letters.flatMap((a) => letters.map((b) => `${a}${b}`));
    expect(codes.filter((code) => languageOf(code) !== undefined)).toEqual(codes.filter((code) => names.of(code) !== undefined));
  });

  it('keeps the primary language subtag of a language the runtime can name', () => {
    expect(languageOf('en-US,en;q=0.9')).toBe('en');
    expect(languageOf('fil-PH')).toBe('fil');
    expect(languageOf('FR')).toBe('fr');
  });

  it('bounds the counters a stranger can mint on the shared daily item to real language codes', () => {
    // Arrange: thousands of distinct headers, as a script would send them
    const headers = Array.from({ length: 5000 }, (_, index) => `x${index.toString(36)}-${index}`);
    // Act
    const kept = new Set(headers.map(languageOf).filter((language) => language !== undefined));
    // Assert: only real language codes, a few hundred at most however many headers arrive
    expect([...kept].filter((language) => !/^[a-z]{2,3}$/.test(language))).toEqual([]);
    expect(kept.size).toBeLessThan(50);
    expect(['*', 'qaa', 'zz-ZZ', 'e', 'english'].map(languageOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('parseBeacon', () => {
  const details = (body: unknown) => {
    try {
      parseBeacon(body);
      return undefined;
    } catch (error) {
      return error instanceof ValidationError ? (error.details ?? []).map((detail) => detail.path) : error;
    }
  };

  it('drops the query string and fragment of the path before anything else sees it', () => {
    expect(parseBeacon({ type: 'pageview', path: '/pricing?email=a@b.c#top', referrer: 'https://x.test/?q=1' })).toEqual({
      type: 'pageview',
      path: '/pricing',
    });
  });

  it('refuses unknown fields, a path not starting with "/", out-of-bounds seconds and misplaced seconds', () => {
    expect(details({ type: 'pageview', path: '/', ip: '1.2.3.4' })).toEqual(['ip']);
    expect(details({ type: 'pageview', path: 'https://evil.test/' })).toEqual(['path']);
    expect(details({ type: 'engagement', path: '/', seconds: 86_401 })).toEqual(['seconds']);
    expect(details({ type: 'engagement', path: '/', seconds: -1 })).toEqual(['seconds']);
    expect(details({ type: 'engagement', path: '/' })).toEqual(['seconds']);
    expect(details({ type: 'pageview', path: '/', seconds: 3 })).toEqual(['seconds']);
    expect(details({ type: 'click', path: '/' })).toEqual(['type']);
    expect(details({ type: 'pageview', path: `/${'é'.repeat(300)}` })).toEqual(['path']);
  });
});

describe('the analytics report', () => {
  const day = (
    date: string,
    organisations: AnalyticsDay['organisations'],
    paths: AnalyticsDay['paths'] = [],
    dimensions: Partial<AnalyticsDay['dimensions']> = {},
  ): AnalyticsDay => ({
    day: date,
    paths,
    organisations,
    dimensions: { browsers: {}, languages: {}, countries: {}, ...dimensions },
  });
  const elements = (...names: string[]) => names.map((name) => sketchElement(hashOf(name)));
  const pathDay = (path: string, visitors: number[], views = visitors.length): AnalyticsDay['paths'][number] => ({
    path,
    views,
    optedOutViews: 0,
    unidentifiedViews: views,
    engagements: 0,
    seconds: 0,
    browsers: {},
    languages: {},
    countries: {},
    visitors,
  });
  /** Every `visitors` figure anywhere in a report: none may be under the threshold. */
  const visitorFigures = (report: unknown): number[] => {
    const found: number[] = [];
    JSON.stringify(report, (key, value: unknown) => {
      if (key === 'visitors' && typeof value === 'number') found.push(value);
      return value;
    });
    return found;
  };

  it('counts an organisation only on the days it had 3 visitors (days cannot be linked), folding each smaller day into that day\'s "other"', () => {
    // Arrange: one organisation with 2 visitors, one with 3 over two days but 2 on each, each page read by fewer than 3
    const days = [
      day('2026-11-25', [
        {
          asn: 1,
          name: 'Two Visitors Ltd',
          pages: { '/a': { views: 5, visitors: elements('x', 'y') } },
          visitors: elements('x', 'y'),
        },
        {
          asn: 2,
          name: 'Three Over Two Days Ltd',
          pages: { '/a': { views: 1, visitors: elements('p') } },
          visitors: elements('p', 'q'),
        },
      ]),
      day('2026-11-26', [
        { asn: 1, name: 'Two Visitors Ltd', pages: { '/b': { views: 1, visitors: elements('x') } }, visitors: elements('x') },
        {
          asn: 2,
          name: 'Three Over Two Days Ltd',
          pages: { '/b': { views: 2, visitors: elements('q', 'r') } },
          visitors: elements('q', 'r'),
        },
      ]),
    ];
    // Act
    const report = buildReport('2026-11-25', '2026-11-26', days);
    // Assert
    // Assert: neither is named; together they are 4 visitors on the 25th, and /a and /b had 3 on one day each
    expect(report.organisations).toEqual([
      {
        name: 'other',
        asn: null,
        visitors: 5,
        views: 9,
        pages: [
          { path: '/a', views: 6, visitors: 3 },
          { path: '/b', views: 3, visitors: 3 },
        ],
      },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/Two Visitors Ltd|Three Over Two Days Ltd/);
    expect(report.attribution.links.map((link) => link.href)).toContain('https://db-ip.com');
  });

  it('folds organisations under the threshold into one "other" row with no names, shown once it has 3 visitors', () => {
    const small = (asn: number, name: string, ...visitors: string[]) => ({
      asn,
      name,
      pages: { '/pricing': { views: visitors.length, visitors: elements(...visitors) } },
      visitors: elements(...visitors),
    });
    const twoSmall = buildReport('2026-11-26', '2026-11-26', [
      day('2026-11-26', [small(1, 'One Ltd', 'a'), small(2, 'Two Ltd', 'b')]),
    ]);
    const threeSmall = buildReport('2026-11-26', '2026-11-26', [
      day('2026-11-26', [small(1, 'One Ltd', 'a'), small(2, 'Two Ltd', 'b', 'c')]),
    ]);
    expect(twoSmall.organisations).toEqual([]);
    expect(threeSmall.organisations).toEqual([
      { name: 'other', asn: null, visitors: 3, views: 3, pages: [{ path: '/pricing', views: 3, visitors: 3 }] },
    ]);
    expect(JSON.stringify(threeSmall.organisations)).not.toMatch(/One Ltd|Two Ltd/);
  });

  it('shows no page with fewer than 3 visitors: pages under it fold into "other", itself hidden under 3', () => {
    // Arrange: /big has 4 visitors, /two has 2, /one has 1 and /gpc only opted-out views (no visitor at all)
    const paths = [
      pathDay('/big', elements('a', 'b', 'c', 'd')),
      pathDay('/two', elements('a', 'e')),
      pathDay('/one', elements('f')),
      pathDay('/gpc', [], 7),
    ];
    // Act
    const report = buildReport('2026-11-26', '2026-11-26', [day('2026-11-26', [], paths)]);
    const withoutOne = buildReport('2026-11-26', '2026-11-26', [day('2026-11-26', [], paths.slice(0, 2))]);
    // Assert: a, e and f are 3 visitors in "other" (always the last row); without /one and /gpc, "other" has 2 and is not shown
    expect(report.pages.map((page) => [page.path, page.visitors])).toEqual([
      ['/big', 4],
      ['other', 3],
    ]);
    expect(report.pages.find((page) => page.path === 'other')?.views).toBe(10);
    expect(withoutOne.pages.map((page) => page.path)).toEqual(['/big']);
    expect(visitorFigures(report).filter((visitors) => visitors < 3)).toEqual([]);
  });

  it('folds browser, language and country buckets with fewer than 3 visitors into "other", by visitors not views', () => {
    // Arrange: Chrome has 9 views by 3 visitors; Lynx 5 views by 1 visitor; Opera 1 view by another
    const path = {
      ...pathDay('/', elements('a', 'b', 'c', 'd', 'e'), 15),
      browsers: { Chrome: 9, Lynx: 5, Opera: 1 },
      countries: { US: 14, IS: 1 },
    };
    const dimensions = {
      browsers: { Chrome: elements('a', 'b', 'c'), Lynx: elements('d'), Opera: elements('e') },
      countries: { US: elements('a', 'b', 'c', 'd'), IS: elements('e') },
    };
    // Act
    const report = buildReport('2026-11-26', '2026-11-26', [day('2026-11-26', [], [path], dimensions)]);
    // Assert: Lynx and Opera are 2 visitors together, so "other" is not shown; IS alone neither
    expect(report.browsers).toEqual([{ name: 'Chrome', views: 9, visitors: 3 }]);
    expect(report.countries).toEqual([{ name: 'US', views: 14, visitors: 4 }]);
    expect(visitorFigures(report).filter((visitors) => visitors < 3)).toEqual([]);
  });

  it('shows no day or range total of fewer than 3 visitors, and no day under 3 in a range total', () => {
    const report = buildReport('2026-11-26', '2026-11-27', [
      day('2026-11-26', [], [pathDay('/', elements('a', 'b'))]),
      day('2026-11-27', [], [pathDay('/', elements('c'))]),
    ]);
    expect(report.days.map((entry) => entry.visitors)).toEqual([null, null]);
    expect(report.totals.visitors).toBeNull();
  });

  it('takes a range of UTC days, both inclusive, and refuses bad dates and ranges over 366 days', () => {
    expect(reportDays('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(() => reportDays('2026-02-30', '2026-03-01')).toThrow(ValidationError);
    expect(() => reportDays('2026-03-02', '2026-03-01')).toThrow(ValidationError);
    expect(() => reportDays('26-03-01', '2026-03-01')).toThrow(ValidationError);
    expect(() => reportDays(undefined, '2026-03-01')).toThrow(ValidationError);
    expect(reportDays('2024-01-01', '2024-12-31')).toHaveLength(366);
    expect(() => reportDays('2024-01-01', '2025-01-01')).toThrow(ValidationError);
  });
});

describe('tallyBeacons', () => {
  it('adds a batch into one tally per day × path, per organisation and per dimension value, visitors as sets', () => {
    // Arrange
    const apple = { asn: 714, name: 'Apple Inc.' };
    const counts: BeaconCount[] = [
      {
        kind: 'pageview',
        day: '2026-11-26',
        path: '/a',
        optedOut: false,
        visitor: 1,
        browser: 'Chrome',
        organisation: apple,
        network: 7,
      },
      { kind: 'pageview', day: '2026-11-26', path: '/a', optedOut: false, visitor: 1, browser: 'Chrome', organisation: apple },
      { kind: 'pageview', day: '2026-11-26', path: '/a', optedOut: false, visitor: 2, country: 'US' },
      { kind: 'pageview', day: '2026-11-26', path: '/a', optedOut: true },
      { kind: 'engagement', day: '2026-11-26', path: '/a', seconds: 30 },
      { kind: 'pageview', day: '2026-11-27', path: '/a', optedOut: false, visitor: 3 },
    ];
    // Act
    const tally = tallyBeacons(counts);
    // Assert
    expect(tally.paths).toEqual([
      {
        day: '2026-11-26',
        path: '/a',
        views: 4,
        optedOutViews: 1,
        unidentifiedViews: 1,
        engagements: 1,
        seconds: 30,
        browsers: { Chrome: 2 },
        languages: {},
        countries: { US: 1 },
        visitors: new Set([1, 2]),
        networks: new Set([7]),
      },
      expect.objectContaining({ day: '2026-11-27', views: 1, visitors: new Set([3]) }),
    ]);
    expect(tally.organisations).toEqual([
      {
        day: '2026-11-26',
        ...apple,
        views: 2,
        visitors: new Set([1]),
        pages: new Map([['/a', { views: 2, visitors: new Set([1]) }]]),
      },
    ]);
    expect(tally.dimensions).toEqual([
      { day: '2026-11-26', dimension: 'browsers', value: 'Chrome', visitors: new Set([1]) },
      { day: '2026-11-26', dimension: 'countries', value: 'US', visitors: new Set([2]) },
    ]);
  });
});

describe('parseBeaconCount', () => {
  it('takes what the beacon queues, and drops anything else: unknown fields, an address, a bad path or day', () => {
    const good = {
      kind: 'pageview',
      day: '2026-11-26',
      path: '/a',
      optedOut: false,
      visitor: 65,
      browser: 'Chrome',
      network: 65_535,
    };
    expect(parseBeaconCount(JSON.stringify(good))).toEqual(good);
    expect(parseBeaconCount(JSON.stringify({ kind: 'engagement', day: '2026-11-26', path: '/a', seconds: 3 }))).toBeDefined();
    for (const bad of [
      { ...good, ip: '203.0.113.7' },
      { ...good, path: 'a' },
      { ...good, day: 'today' },
      { ...good, visitor: -1 },
      { ...good, network: 65_536 },
      { ...good, network: '203.0.113.0/24' },
      { kind: 'engagement', day: '2026-11-26', path: '/a', seconds: 999_999 },
    ]) {
      expect(parseBeaconCount(JSON.stringify(bad))).toBeUndefined();
    }
    expect(parseBeaconCount('{"kind":')).toBeUndefined();
  });
});

describe('the report page', () => {
  it('shows the "other" row by that name and never a row of fewer than 3 visitors', () => {
    const elements = (...names: string[]) => names.map((name) => sketchElement(hashOf(name)));
    const path = (name: string, visitors: number[]) => ({
      path: name,
      views: visitors.length,
      optedOutViews: 0,
      unidentifiedViews: visitors.length,
      engagements: 0,
      seconds: 0,
      browsers: {},
      languages: {},
      countries: {},
      visitors,
    });
    const report = buildReport('2026-11-26', '2026-11-26', [
      {
        day: '2026-11-26',
        paths: [path('/shown', elements('a', 'b', 'c')), path('/pair', elements('d', 'e')), path('/single', elements('f'))],
        organisations: [
          {
            asn: 521,
            name: 'Ford Motor Company',
            pages: { '/pair': { views: 2, visitors: elements('d', 'e') } },
            visitors: elements('d', 'e'),
          },
        ],
        dimensions: { browsers: {}, languages: {}, countries: {} },
      },
    ]);
    const html = reportBody(report);
    expect(html).toContain('/shown');
    expect(html).toContain('Other (each under 3 visitors)');
    expect(html).not.toContain('/pair');
    expect(html).not.toContain('/single');
    expect(html).not.toContain('Ford Motor Company');
  });
});
