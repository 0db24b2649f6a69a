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
  /** Views per path. */
  pages: Record<string, number>;
  visitors: number[];
}

/** Everything kept for one UTC day. */
export interface AnalyticsDay {
  day: string;
  paths: PathDay[];
  organisations: OrganisationDay[];
}

/**
 * Where the beacon counts: counters per day × path × dimension, visitor sketches per day × path,
 * organisations per day, and the daily visitor-id salt. No item is per visit and nothing in one
 * identifies a visitor.
 */
export interface AnalyticsCounters {
  countPageview(count: PageviewCount): Promise<void>;
  countEngagement(count: { day: string; path: string; seconds: number }): Promise<void>;
  /** The day's random salt for visitor ids, created on first use and deleted 48 hours after the day began. */
  dailySalt(day: string): Promise<Buffer>;
}

/** Reads the aggregates back, a day at a time (the report's side: it never writes). */
export interface AnalyticsReader {
  readDays(days: readonly string[]): Promise<AnalyticsDay[]>;
}
