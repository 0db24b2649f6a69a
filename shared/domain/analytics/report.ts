import { ValidationError } from '../errors.js';
import type { AnalyticsDay } from '../../ports/analytics-store.js';
import { Sketch } from './hll.js';

/** Fewer visitors than this and an aggregate is not shown (SPEC §3). */
export const MIN_VISITORS_SHOWN = 3;
/** The longest range one report covers, in days. */
export const MAX_RANGE_DAYS = 366;

/**
 * The attribution the network databases' licences ask for wherever their results are shown:
 * DB-IP's IP to ASN Lite (CC BY 4.0, with a link back), RouteViews (CC BY 4.0) and the NRO's
 * statistics (CC BY 4.0) that `@ip-location-db/asn-country` is built from.
 */
export const NETWORK_ATTRIBUTION = {
  text: 'IP to ASN data by DB-IP (db-ip.com) and Route Views (routeviews.org); country data by the NRO (nro.net). Licensed under CC BY 4.0.',
  links: [
    { label: 'IP Geolocation by DB-IP', href: 'https://db-ip.com' },
    { label: 'Route Views', href: 'https://www.routeviews.org' },
    { label: 'NRO', href: 'https://www.nro.net' },
    { label: 'CC BY 4.0', href: 'https://creativecommons.org/licenses/by/4.0/' },
  ],
} as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC days from `from` to `to`, both inclusive; a 400 naming the field for a bad or too long range. */
export function reportDays(from: string | undefined, to: string | undefined): string[] {
  const parse = (value: string | undefined, field: string) => {
    if (!value) throw new ValidationError([{ path: field, message: 'is required, as YYYY-MM-DD' }]);
    const time = Date.parse(`${value}T00:00:00Z`);
    if (!DAY.test(value) || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) {
      throw new ValidationError([{ path: field, message: 'must be a date as YYYY-MM-DD' }]);
    }
    return time;
  };
  const start = parse(from, 'from');
  const end = parse(to, 'to');
  if (end < start) throw new ValidationError([{ path: 'to', message: 'must not be before from' }]);
  const count = (end - start) / 86_400_000 + 1;
  if (count > MAX_RANGE_DAYS)
    throw new ValidationError([{ path: 'to', message: `the range must be at most ${MAX_RANGE_DAYS} days` }]);
  return Array.from({ length: count }, (_, index) => new Date(start + index * 86_400_000).toISOString().slice(0, 10));
}

export interface Ranked {
  name: string;
  views: number;
}

export interface AnalyticsReport {
  from: string;
  to: string;
  /** Views and unique visitors per day. */
  days: { day: string; views: number; visitors: number }[];
  /** Unique visitors over the whole range: the merged daily sketches, not the sum of daily uniques. */
  totals: {
    views: number;
    visitors: number;
    optedOutViews: number;
    unidentifiedViews: number;
    engagements: number;
    averageSeconds: number;
  };
  pages: { path: string; views: number; visitors: number | null; engagements: number; averageSeconds: number }[];
  browsers: Ranked[];
  languages: Ranked[];
  countries: Ranked[];
  /** Organisations with at least MIN_VISITORS_SHOWN visitors over the range, with the pages they read. */
  organisations: { name: string; asn: number; visitors: number; views: number; pages: { path: string; views: number }[] }[];
  minVisitorsShown: number;
  attribution: typeof NETWORK_ATTRIBUTION;
}

const average = (seconds: number, engagements: number) => (engagements > 0 ? Math.round(seconds / engagements) : 0);

/** Sorted by views; buckets under the threshold are folded into one "other" bucket, so none stands alone. */
function ranked(counts: Map<string, number>): Ranked[] {
  const shown: Ranked[] = [];
  let other = 0;
  for (const [name, views] of counts) {
    if (views >= MIN_VISITORS_SHOWN) shown.push({ name, views });
    else other += views;
  }
  shown.sort((a, b) => b.views - a.views || a.name.localeCompare(b.name));
  return other > 0 ? [...shown, { name: 'other', views: other }] : shown;
}

const add = (map: Map<string, number>, name: string, count: number) => map.set(name, (map.get(name) ?? 0) + count);

/**
 * The report over a range of days (SPEC §4 `GET /admin/analytics`). Unique visitors of a page, of
 * a day, of an organisation and of the range are each one merge of the stored daily sketches.
 * Breakdowns by browser, language and country count page views; a bucket under the threshold is
 * folded into "other". An organisation is shown only with at least MIN_VISITORS_SHOWN visitors,
 * and a page's visitors only from that many.
 */
export function buildReport(from: string, to: string, days: readonly AnalyticsDay[]): AnalyticsReport {
  const everyone = new Sketch();
  const pages = new Map<string, { views: number; engagements: number; seconds: number; sketch: Sketch }>();
  const orgs = new Map<string, { name: string; asn: number; views: number; sketch: Sketch; pages: Map<string, number> }>();
  const browsers = new Map<string, number>();
  const languages = new Map<string, number>();
  const countries = new Map<string, number>();
  const totals = { views: 0, optedOutViews: 0, unidentifiedViews: 0, engagements: 0, seconds: 0 };
  const daily: AnalyticsReport['days'] = [];
  for (const day of days) {
    const daySketch = new Sketch();
    let dayViews = 0;
    for (const path of day.paths) {
      const sketch = new Sketch().addElements(path.visitors);
      daySketch.merge(sketch);
      let page = pages.get(path.path);
      if (!page) pages.set(path.path, (page = { views: 0, engagements: 0, seconds: 0, sketch: new Sketch() }));
      page.views += path.views;
      page.engagements += path.engagements;
      page.seconds += path.seconds;
      page.sketch.merge(sketch);
      dayViews += path.views;
      totals.views += path.views;
      totals.optedOutViews += path.optedOutViews;
      totals.unidentifiedViews += path.unidentifiedViews;
      totals.engagements += path.engagements;
      totals.seconds += path.seconds;
      for (const [name, count] of Object.entries(path.browsers)) add(browsers, name, count);
      for (const [name, count] of Object.entries(path.languages)) add(languages, name, count);
      for (const [name, count] of Object.entries(path.countries)) add(countries, name, count);
    }
    for (const organisation of day.organisations) {
      const id = `${organisation.asn}#${organisation.name}`;
      let org = orgs.get(id);
      if (!org)
        orgs.set(
          id,
          (org = { name: organisation.name, asn: organisation.asn, views: 0, sketch: new Sketch(), pages: new Map() }),
        );
      org.sketch.addElements(organisation.visitors);
      for (const [path, views] of Object.entries(organisation.pages)) {
        add(org.pages, path, views);
        org.views += views;
      }
    }
    everyone.merge(daySketch);
    daily.push({ day: day.day, views: dayViews, visitors: daySketch.estimate() });
  }
  return {
    from,
    to,
    days: daily,
    totals: {
      views: totals.views,
      visitors: everyone.estimate(),
      optedOutViews: totals.optedOutViews,
      unidentifiedViews: totals.unidentifiedViews,
      engagements: totals.engagements,
      averageSeconds: average(totals.seconds, totals.engagements),
    },
    pages: [...pages]
      .map(([path, page]) => {
        const visitors = page.sketch.estimate();
        return {
          path,
          views: page.views,
          visitors: visitors >= MIN_VISITORS_SHOWN ? visitors : null,
          engagements: page.engagements,
          averageSeconds: average(page.seconds, page.engagements),
        };
      })
      .sort((a, b) => b.views - a.views || a.path.localeCompare(b.path)),
    browsers: ranked(browsers),
    languages: ranked(languages),
    countries: ranked(countries),
    organisations: [...orgs.values()]
      .map((org) => ({
        name: org.name,
        asn: org.asn,
        visitors: org.sketch.estimate(),
        views: org.views,
        pages: [...org.pages]
          .map(([path, views]) => ({ path, views }))
          .sort((a, b) => b.views - a.views || a.path.localeCompare(b.path)),
      }))
      .filter((org) => org.visitors >= MIN_VISITORS_SHOWN)
      .sort((a, b) => b.visitors - a.visitors || b.views - a.views || a.name.localeCompare(b.name)),
    minVisitorsShown: MIN_VISITORS_SHOWN,
    attribution: NETWORK_ATTRIBUTION,
  };
}
