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
  /** Unique visitors over the whole range: the merged sketches of the days shown, not the sum of daily uniques. */
  totals: {
    views: number;
    visitors: number | null;
    optedOutViews: number;
    unidentifiedViews: number;
    engagements: number;
    averageSeconds: number;
  };
  /**
   * Every row below is a sum of day cells of at least MIN_VISITORS_SHOWN visitors each. A day's
   * cells under it are folded into that day's OTHER_PATH (`other`) cell, itself counted only from
   * MIN_VISITORS_SHOWN visitors that day.
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
 * One stored cell of one day (a page, an organisation's page, a browser, language or country of
 * that day): its views and time on page, with its visitors' sketch of that day.
 */
interface Cell {
  views: number;
  engagements: number;
  seconds: number;
  sketch: Sketch;
}

const emptyCell = (): Cell => ({ views: 0, engagements: 0, seconds: 0, sketch: new Sketch() });

function addCell(into: Cell, from: Cell): void {
  into.views += from.views;
  into.engagements += from.engagements;
  into.seconds += from.seconds;
  into.sketch.merge(from.sketch);
}

function cellOf<K>(cells: Map<K, Cell>, key: K): Cell {
  let cell = cells.get(key);
  if (!cell) cells.set(key, (cell = emptyCell()));
  return cell;
}

/**
 * The threshold of SPEC §3, applied to each day's cells, never to a range: a day's cell with at
 * least MIN_VISITORS_SHOWN visitors adds to its row; the day's cells under it (and a stored
 * `other` path) are folded into that day's `other` cell, which adds to the `other` row only when it
 * reaches MIN_VISITORS_SHOWN itself; otherwise they add to nothing. Each day's visitor ids are
 * salted anew, so a row's days cannot be linked: a range's row is then a sum of day cells each of
 * which a one-day report shows on its own, and the difference of two overlapping ranges reveals
 * nothing a one-day report would not.
 */
function addDay(rows: Map<string, Cell>, cells: Map<string, Cell>): void {
  const other = emptyCell();
  let folded = false;
  for (const [name, cell] of cells) {
    if (name !== OTHER_PATH && cell.sketch.estimate() >= MIN_VISITORS_SHOWN) addCell(cellOf(rows, name), cell);
    else {
      addCell(other, cell);
      folded = true;
    }
  }
  if (folded && other.sketch.estimate() >= MIN_VISITORS_SHOWN) addCell(cellOf(rows, OTHER_PATH), other);
}

/** The rows of a range, most viewed first, `other` last; each row's visitors are its merged sketches. */
function rowsOf<R>(rows: Map<string, Cell>, row: (name: string, cell: Cell, visitors: number) => R): R[] {
  const named = [...rows]
    .filter(([name]) => name !== OTHER_PATH)
    .map(([name, cell]) => ({ name, cell, visitors: cell.sketch.estimate() }))
    .filter((entry) => entry.visitors >= MIN_VISITORS_SHOWN);
  named.sort((a, b) => b.cell.views - a.cell.views || b.visitors - a.visitors || a.name.localeCompare(b.name));
  const values = named.map((entry) => row(entry.name, entry.cell, entry.visitors));
  const other = rows.get(OTHER_PATH);
  const otherVisitors = other?.sketch.estimate() ?? 0;
  if (other && otherVisitors >= MIN_VISITORS_SHOWN) values.push(row(OTHER_PATH, other, otherVisitors));
  return values;
}

/** An organisation over the range: the sum of its shown days, with its pages' rows. */
interface OrganisationRange {
  name: string;
  asn: number;
  views: number;
  sketch: Sketch;
  pages: Map<string, Cell>;
}

/** One organisation's (or the day's folded organisations') day: its visitors and its page cells. */
interface OrganisationCell {
  sketch: Sketch;
  pages: Map<string, Cell>;
}

function addOrganisationDay(into: OrganisationRange, day: OrganisationCell): void {
  into.sketch.merge(day.sketch);
  for (const page of day.pages.values()) into.views += page.views;
  addDay(into.pages, day.pages);
}

/**
 * The report over a range of days (SPEC §4 `GET /admin/analytics`). Unique visitors of a page, of
 * a day, of a browser, language or country, of an organisation, of an organisation's page and of
 * the range are each one merge of the stored daily sketches, never a sum of daily uniques. Every
 * row is a sum of day cells of at least MIN_VISITORS_SHOWN visitors (`addDay`); smaller cells are
 * folded into that day's "other".
 */
export function buildReport(from: string, to: string, days: readonly AnalyticsDay[]): AnalyticsReport {
  const everyone = new Sketch();
  const pages = new Map<string, Cell>();
  const dimensions = {
    browsers: new Map<string, Cell>(),
    languages: new Map<string, Cell>(),
    countries: new Map<string, Cell>(),
  };
  const organisations = new Map<number, OrganisationRange>();
  const otherOrganisations: OrganisationRange = { name: OTHER_PATH, asn: 0, views: 0, sketch: new Sketch(), pages: new Map() };
  const totals = { views: 0, optedOutViews: 0, unidentifiedViews: 0, engagements: 0, seconds: 0 };
  const daily: AnalyticsReport['days'] = [];
  for (const day of days) {
    const daySketch = new Sketch();
    let dayViews = 0;
    const pageCells = new Map<string, Cell>();
    const dimensionCells = {
      browsers: new Map<string, Cell>(),
      languages: new Map<string, Cell>(),
      countries: new Map<string, Cell>(),
    };
    for (const path of day.paths) {
      const cell = cellOf(pageCells, path.path);
      addCell(cell, {
        views: path.views,
        engagements: path.engagements,
        seconds: path.seconds,
        sketch: new Sketch().addElements(path.visitors),
      });
      daySketch.addElements(path.visitors);
      dayViews += path.views;
      totals.views += path.views;
      totals.optedOutViews += path.optedOutViews;
      totals.unidentifiedViews += path.unidentifiedViews;
      totals.engagements += path.engagements;
      totals.seconds += path.seconds;
      for (const dimension of ['browsers', 'languages', 'countries'] as const) {
        for (const [name, count] of Object.entries(path[dimension])) cellOf(dimensionCells[dimension], name).views += count;
      }
    }
    addDay(pages, pageCells);
    for (const dimension of ['browsers', 'languages', 'countries'] as const) {
      for (const [name, visitors] of Object.entries(day.dimensions[dimension])) {
        cellOf(dimensionCells[dimension], name).sketch.addElements(visitors);
      }
      addDay(dimensions[dimension], dimensionCells[dimension]);
    }
    const folded: OrganisationCell = { sketch: new Sketch(), pages: new Map() };
    let anyFolded = false;
    for (const organisation of day.organisations) {
      const cell: OrganisationCell = { sketch: new Sketch().addElements(organisation.visitors), pages: new Map() };
      for (const [path, page] of Object.entries(organisation.pages)) {
        addCell(cellOf(cell.pages, path), { ...emptyCell(), views: page.views, sketch: new Sketch().addElements(page.visitors) });
      }
      if (cell.sketch.estimate() >= MIN_VISITORS_SHOWN) {
        let org = organisations.get(organisation.asn);
        if (!org)
          organisations.set(
            organisation.asn,
            (org = { name: organisation.name, asn: organisation.asn, views: 0, sketch: new Sketch(), pages: new Map() }),
          );
        addOrganisationDay(org, cell);
      } else {
        // Folded without its name: its pages join the day's other organisations' pages.
        anyFolded = true;
        folded.sketch.merge(cell.sketch);
        for (const [path, page] of cell.pages) addCell(cellOf(folded.pages, path), page);
      }
    }
    if (anyFolded && folded.sketch.estimate() >= MIN_VISITORS_SHOWN) addOrganisationDay(otherOrganisations, folded);
    const dayVisitors = daySketch.estimate();
    if (dayVisitors >= MIN_VISITORS_SHOWN) everyone.merge(daySketch);
    daily.push({ day: day.day, views: dayViews, visitors: shown(dayVisitors) });
  }
  const pageRows = rowsOf(pages, (path, cell, visitors): PageRow => ({
    path,
    views: cell.views,
    visitors,
    engagements: cell.engagements,
    averageSeconds: average(cell.seconds, cell.engagements),
  }));
  const ranked = (rows: Map<string, Cell>) =>
    rowsOf(rows, (name, cell, visitors): Ranked => ({ name, views: cell.views, visitors }));
  const organisationRow = (org: OrganisationRange, asn: number | null, visitors: number): OrganisationRow => ({
    name: org.name,
    asn,
    visitors,
    views: org.views,
    pages: rowsOf(org.pages, (path, cell, pageVisitors) => ({ path, views: cell.views, visitors: pageVisitors })),
  });
  const organisationRows = [...organisations.values()]
    .map((org) => ({ org, visitors: org.sketch.estimate() }))
    .filter((entry) => entry.visitors >= MIN_VISITORS_SHOWN)
    .sort((a, b) => b.org.views - a.org.views || b.visitors - a.visitors || a.org.name.localeCompare(b.org.name))
    .map(({ org, visitors }) => organisationRow(org, org.asn, visitors));
  const otherVisitors = otherOrganisations.sketch.estimate();
  if (otherVisitors >= MIN_VISITORS_SHOWN) organisationRows.push(organisationRow(otherOrganisations, null, otherVisitors));
  return {
    from,
    to,
    days: daily,
    totals: {
      views: totals.views,
      visitors: shown(everyone.estimate()),
      optedOutViews: totals.optedOutViews,
      unidentifiedViews: totals.unidentifiedViews,
      engagements: totals.engagements,
      averageSeconds: average(totals.seconds, totals.engagements),
    },
    pages: pageRows,
    browsers: ranked(dimensions.browsers),
    languages: ranked(dimensions.languages),
    countries: ranked(dimensions.countries),
    organisations: organisationRows,
    minVisitorsShown: MIN_VISITORS_SHOWN,
    attribution: NETWORK_ATTRIBUTION,
  };
}
