/** A visiting organisation: the owner of a business network, as the offline database names it. */
export interface Organisation {
  asn: number;
  name: string;
}

/** One counted page view, already stripped of everything that is not kept. */
export interface PageviewCount {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  path: string;
  /** Do-not-track or GPC: only the view is counted, nothing else below is set. */
  optedOut: boolean;
  /** The visitor's HyperLogLog sketch element for the day (from the daily-salted id), never the id. */
  visitor?: number;
  browser?: string;
  language?: string;
  country?: string;
  /** Set only when the network belongs to a business; otherwise the view counts as unidentified. */
  organisation?: Organisation;
  /**
   * The client network's id for the day (`networkSlotId`): a 16-bit bucket of the truncated network
   * hashed with the day's salt, never the network. It bounds the new paths one network opens a day.
   */
  network?: number;
}

/** One path's aggregates for one day. */
export interface PathDay {
  path: string;
  views: number;
  optedOutViews: number;
  unidentifiedViews: number;
  engagements: number;
  seconds: number;
  browsers: Record<string, number>;
  languages: Record<string, number>;
  countries: Record<string, number>;
  /** Stored sketch elements of the path's visitors that day. */
  visitors: number[];
}

/** One organisation's aggregates for one day. */
export interface OrganisationDay extends Organisation {
  /** Views per path, with the sketch elements of the organisation's visitors of that path. */
  pages: Record<string, { views: number; visitors: number[] }>;
  visitors: number[];
}

/** Everything kept for one UTC day. */
export interface AnalyticsDay {
  day: string;
  paths: PathDay[];
  organisations: OrganisationDay[];
  /** Sketch elements of the visitors per dimension value (`browsers` → `Chrome` → elements). */
  dimensions: Record<Dimension, Record<string, number[]>>;
}

/** One beacon as the beacon function queues it: already counted-ready, nothing identifying in it. */
export type BeaconCount =
  ({ kind: 'pageview' } & PageviewCount) | { kind: 'engagement'; day: string; path: string; seconds: number };

/**
 * Where the beacon hands its counts: a queue, so that a request never waits for a table write.
 * A consumer aggregates each batch into a few atomic updates (`AnalyticsAggregates`).
 */
export interface BeaconQueue {
  enqueue(count: BeaconCount): Promise<void>;
}

/** The daily visitor-id salt, created on first use and deleted 48 hours after its day began. */
export interface VisitorSalts {
  dailySalt(day: string): Promise<Buffer>;
}

/** One path's tally over a batch of beacons. */
export interface PathTally extends Omit<PathDay, 'visitors'> {
  day: string;
  visitors: Set<number>;
  /** The network ids (`PageviewCount.network`) of the views with a visitor: who may open the path. */
  networks: Set<number>;
}

/** One organisation's tally over a batch, with the pages its visitors read. */
export interface OrganisationTally extends Organisation {
  day: string;
  views: number;
  visitors: Set<number>;
  pages: Map<string, { views: number; visitors: Set<number> }>;
}

/** The visitors of one dimension value (a browser family, a language, a country) over a batch. */
export interface DimensionTally {
  day: string;
  dimension: Dimension;
  value: string;
  visitors: Set<number>;
}

/** The breakdowns a path's views are counted by. */
export type Dimension = 'browsers' | 'languages' | 'countries';

/** A batch of beacons, aggregated: what the queue consumer writes, a few updates per batch. */
export interface BeaconTally {
  paths: PathTally[];
  organisations: OrganisationTally[];
  dimensions: DimensionTally[];
}

/**
 * Where the queue consumer adds a batch's tally: counters per day × path × dimension, visitor
 * sketches per day × path, day × dimension value, day × organisation and day × organisation × path.
 * No item is per visit and nothing in one identifies a visitor. The distinct paths of a day are
 * capped: a path beyond the cap is counted under `OTHER_PATH`.
 */
export interface AnalyticsAggregates {
  add(tally: BeaconTally): Promise<void>;
}

/** How many network ids (`PageviewCount.network`) there are: each day's ids are buckets shared by many networks. */
export const NETWORK_IDS = 65_536;

/** Where paths beyond a day's cap are counted, and the report's row of what is too small to show: not a path (paths start with "/"). */
export const OTHER_PATH = 'other';

/** Reads the aggregates back, a day at a time (the report's side: it never writes). */
export interface AnalyticsReader {
  readDays(days: readonly string[]): Promise<AnalyticsDay[]>;
}
