import { ValidationError } from '../errors.js';
import { OTHER_PATH } from '../../ports/analytics-store.js';
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
  visitors: number;
}

/** A page's row: its views, visitors and time on page. */
export interface PageRow {
  path: string;
  views: number;
  visitors: number;
  engagements: number;
  averageSeconds: number;
}

/** A visiting organisation's row, with the pages its visitors read. */
export interface OrganisationRow {
  name: string;
  asn: number | null;
  visitors: number;
  views: number;
  pages: { path: string; views: number; visitors: number }[];
}

export interface AnalyticsReport {
  from: string;
  to: string;
  /** Views and unique visitors per day (visitors null under the threshold). */
  days: { day: string; views: number; visitors: number | null }[];
  /** Unique visitors over the whole range: the merged daily sketches, not the sum of daily uniques. */
  totals: {
    views: number;
    visitors: number | null;
    optedOutViews: number;
    unidentifiedViews: number;
    engagements: number;
    averageSeconds: number;
  };
  /**
   * Every row below has at least MIN_VISITORS_SHOWN visitors. The rows under it are folded into
   * one row named OTHER_PATH (`other`), itself shown only from MIN_VISITORS_SHOWN visitors.
   */
  pages: PageRow[];
  browsers: Ranked[];
  languages: Ranked[];
  countries: Ranked[];
  organisations: OrganisationRow[];
  minVisitorsShown: number;
  attribution: typeof NETWORK_ATTRIBUTION;
}

const average = (seconds: number, engagements: number) => (engagements > 0 ? Math.round(seconds / engagements) : 0);
const shown = (visitors: number) => (visitors >= MIN_VISITORS_SHOWN ? visitors : null);

/**
 * A row's visitors on its busiest day. Each day's visitor ids are salted anew (so that days cannot
 * be linked), so one person who returns on three days is three over the range: a row is shown only
 * when some single day also reached the threshold.
 */
interface BusiestDay {
  busiestDay: number;
}

/** Visitors of one day's elements. */
const visitorsOf = (elements: readonly number[]) => new Sketch().addElements(elements).estimate();

/** Keeps the larger of a row's busiest day so far and this day's visitors. */
function noteDay(entry: BusiestDay, visitors: number): void {
  entry.busiestDay = Math.max(entry.busiestDay, visitors);
}

/**
 * The threshold of SPEC §3: rows with fewer than MIN_VISITORS_SHOWN visitors over the range, or on
 * every single day, are not shown; they are folded into one `other` row (their views added, their
 * sketches merged), which is shown only when it reaches the threshold itself. A row already named
 * `other` joins the fold.
 */
export function foldSmall<T extends { views: number }>(
  rows: readonly (T & BusiestDay & { sketch: Sketch; name: string })[],
  row: (entry: T & BusiestDay & { sketch: Sketch; name: string }, visitors: number) => unknown,
  other: (views: number, visitors: number, folded: readonly (T & BusiestDay & { sketch: Sketch; name: string })[]) => unknown,
): unknown[] {
  const kept: { order: number; views: number; name: string; value: unknown }[] = [];
  const folded: (T & BusiestDay & { sketch: Sketch; name: string })[] = [];
  const otherSketch = new Sketch();
  let otherViews = 0;
  for (const entry of rows) {
    const visitors = entry.sketch.estimate();
    if (visitors >= MIN_VISITORS_SHOWN && entry.busiestDay >= MIN_VISITORS_SHOWN && entry.name !== OTHER_PATH) {
      kept.push({ order: visitors, views: entry.views, name: entry.name, value: row(entry, visitors) });
    } else {
      folded.push(entry);
      otherSketch.merge(entry.sketch);
      otherViews += entry.views;
    }
  }
  kept.sort((a, b) => b.views - a.views || b.order - a.order || a.name.localeCompare(b.name));
  const otherVisitors = otherSketch.estimate();
  const values = kept.map((entry) => entry.value);
  if (folded.length > 0 && otherVisitors >= MIN_VISITORS_SHOWN) values.push(other(otherViews, otherVisitors, folded));
  return values;
}

/** Views per bucket with the bucket's visitors' sketch; folded under the threshold. */
function ranked(buckets: Map<string, { views: number; sketch: Sketch } & BusiestDay>): Ranked[] {
  const rows = [...buckets].map(([name, bucket]) => ({ ...bucket, name }));
  return foldSmall(
    rows,
    (entry, visitors) => ({ name: entry.name, views: entry.views, visitors }),
    (views, visitors) => ({ name: OTHER_PATH, views, visitors }),
  ) as Ranked[];
}

/**
 * The report over a range of days (SPEC §4 `GET /admin/analytics`). Unique visitors of a page, of
 * a day, of a browser, language or country, of an organisation, of an organisation's page and of
 * the range are each one merge of the stored daily sketches. Every row under the threshold of
 * MIN_VISITORS_SHOWN visitors is folded into "other" (`foldSmall`).
 */
export function buildReport(from: string, to: string, days: readonly AnalyticsDay[]): AnalyticsReport {
  const everyone = new Sketch();
  const everyoneBusiest: BusiestDay = { busiestDay: 0 };
  type Counted = { views: number; sketch: Sketch } & BusiestDay;
  const pages = new Map<string, Counted & { engagements: number; seconds: number }>();
  const orgs = new Map<number, Counted & { name: string; asn: number; pages: Map<string, Counted> }>();
  const dimensions = {
    browsers: new Map<string, Counted>(),
    languages: new Map<string, Counted>(),
    countries: new Map<string, Counted>(),
  };
  const bucket = (dimension: keyof typeof dimensions, name: string) => {
    let entry = dimensions[dimension].get(name);
    if (!entry) dimensions[dimension].set(name, (entry = { views: 0, sketch: new Sketch(), busiestDay: 0 }));
    return entry;
  };
  const totals = { views: 0, optedOutViews: 0, unidentifiedViews: 0, engagements: 0, seconds: 0 };
  const daily: AnalyticsReport['days'] = [];
  for (const day of days) {
    const daySketch = new Sketch();
    let dayViews = 0;
    for (const path of day.paths) {
      const sketch = new Sketch().addElements(path.visitors);
      daySketch.merge(sketch);
      let page = pages.get(path.path);
      if (!page) pages.set(path.path, (page = { views: 0, engagements: 0, seconds: 0, sketch: new Sketch(), busiestDay: 0 }));
      noteDay(page, sketch.estimate());
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
      for (const dimension of ['browsers', 'languages', 'countries'] as const) {
        for (const [name, count] of Object.entries(path[dimension])) bucket(dimension, name).views += count;
      }
    }
    for (const dimension of ['browsers', 'languages', 'countries'] as const) {
      for (const [name, visitors] of Object.entries(day.dimensions[dimension])) {
        bucket(dimension, name).sketch.addElements(visitors);
        noteDay(bucket(dimension, name), visitorsOf(visitors));
      }
    }
    for (const organisation of day.organisations) {
      let org = orgs.get(organisation.asn);
      if (!org)
        orgs.set(
          organisation.asn,
          (org = {
            name: organisation.name,
            asn: organisation.asn,
            views: 0,
            sketch: new Sketch(),
            pages: new Map(),
            busiestDay: 0,
          }),
        );
      org.sketch.addElements(organisation.visitors);
      noteDay(org, visitorsOf(organisation.visitors));
      for (const [path, page] of Object.entries(organisation.pages)) {
        let entry = org.pages.get(path);
        if (!entry) org.pages.set(path, (entry = { views: 0, sketch: new Sketch(), busiestDay: 0 }));
        entry.views += page.views;
        entry.sketch.addElements(page.visitors);
        noteDay(entry, visitorsOf(page.visitors));
        org.views += page.views;
      }
    }
    everyone.merge(daySketch);
    noteDay(everyoneBusiest, daySketch.estimate());
    daily.push({ day: day.day, views: dayViews, visitors: shown(daySketch.estimate()) });
  }
  const pageRows = foldSmall(
    [...pages].map(([path, page]) => ({ ...page, name: path })),
    (page, visitors): PageRow => ({
      path: page.name,
      views: page.views,
      visitors,
      engagements: page.engagements,
      averageSeconds: average(page.seconds, page.engagements),
    }),
    (views, visitors, folded): PageRow => {
      const engagements = folded.reduce((sum, page) => sum + page.engagements, 0);
      const seconds = folded.reduce((sum, page) => sum + page.seconds, 0);
      return { path: OTHER_PATH, views, visitors, engagements, averageSeconds: average(seconds, engagements) };
    },
  ) as PageRow[];
  const orgPages = (org: { pages: Map<string, Counted> }) =>
    foldSmall(
      [...org.pages].map(([path, page]) => ({ ...page, name: path })),
      (page, visitors) => ({ path: page.name, views: page.views, visitors }),
      (views, visitors) => ({ path: OTHER_PATH, views, visitors }),
    ) as OrganisationRow['pages'];
  const organisations = foldSmall(
    [...orgs.values()],
    (org, visitors): OrganisationRow => ({ name: org.name, asn: org.asn, visitors, views: org.views, pages: orgPages(org) }),
    (views, visitors, folded): OrganisationRow => {
      // The pages of the organisations too small to show, merged: shown only as "other" does.
      const merged = new Map<string, Counted>();
      for (const org of folded) {
        for (const [path, page] of org.pages) {
          let entry = merged.get(path);
          if (!entry) merged.set(path, (entry = { views: 0, sketch: new Sketch(), busiestDay: 0 }));
          entry.views += page.views;
          entry.sketch.merge(page.sketch);
        }
      }
      // Each merged page's busiest day, from the folded organisations' visitors of that day.
      const foldedAsns = new Set(folded.map((org) => org.asn));
      for (const day of days) {
        const perPath = new Map<string, Sketch>();
        for (const organisation of day.organisations) {
          if (!foldedAsns.has(organisation.asn)) continue;
          for (const [path, page] of Object.entries(organisation.pages)) {
            const sketch = perPath.get(path) ?? new Sketch();
            perPath.set(path, sketch.addElements(page.visitors));
          }
        }
        for (const [path, sketch] of perPath) {
          const entry = merged.get(path);
          if (entry) noteDay(entry, sketch.estimate());
        }
      }
      return { name: OTHER_PATH, asn: null, visitors, views, pages: orgPages({ pages: merged }) };
    },
  ) as OrganisationRow[];
  return {
    from,
    to,
    days: daily,
    totals: {
      views: totals.views,
      visitors: everyoneBusiest.busiestDay >= MIN_VISITORS_SHOWN ? shown(everyone.estimate()) : null,
      optedOutViews: totals.optedOutViews,
      unidentifiedViews: totals.unidentifiedViews,
      engagements: totals.engagements,
      averageSeconds: average(totals.seconds, totals.engagements),
    },
    pages: pageRows,
    browsers: ranked(dimensions.browsers),
    languages: ranked(dimensions.languages),
    countries: ranked(dimensions.countries),
    organisations,
    minVisitorsShown: MIN_VISITORS_SHOWN,
    attribution: NETWORK_ATTRIBUTION,
  };
}
