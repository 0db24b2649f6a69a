import type { BeaconCount, BeaconTally, Dimension, OrganisationTally, PathDay, PathTally } from '../../ports/analytics-store.js';

/** A path's counts before its first beacon (of a batch, or of a day as read back). */
export function zeroPathCounts(): Omit<PathDay, 'path' | 'visitors'> {
  return {
    views: 0,
    optedOutViews: 0,
    unidentifiedViews: 0,
    engagements: 0,
    seconds: 0,
    browsers: {},
    languages: {},
    countries: {},
  };
}

/**
 * Aggregates a batch of queued beacons into one tally per day × path, per day × organisation (with
 * its pages) and per day × dimension value, so that a batch of hundreds of beacons costs the table
 * a few updates. Counts add up; visitors are sets of sketch elements (a union, as the stored
 * sketches are).
 */
export function tallyBeacons(counts: Iterable<BeaconCount>): BeaconTally {
  const paths = new Map<string, PathTally>();
  const organisations = new Map<string, OrganisationTally>();
  const dimensions = new Map<string, { day: string; dimension: Dimension; value: string; visitors: Set<number> }>();
  const pathTally = (day: string, path: string): PathTally => {
    const id = `${day}|${path}`;
    let tally = paths.get(id);
    if (!tally) {
      tally = { day, path, ...zeroPathCounts(), visitors: new Set(), networks: new Set() };
      paths.set(id, tally);
    }
    return tally;
  };
  for (const count of counts) {
    const tally = pathTally(count.day, count.path);
    if (count.kind === 'engagement') {
      tally.engagements += 1;
      tally.seconds += count.seconds;
      continue;
    }
    tally.views += 1;
    if (count.optedOut) {
      tally.optedOutViews += 1;
      continue;
    }
    if (!count.organisation) tally.unidentifiedViews += 1;
    if (count.visitor !== undefined) tally.visitors.add(count.visitor);
    if (count.visitor !== undefined && count.network !== undefined) tally.networks.add(count.network);
    for (const [dimension, value] of [
      ['browsers', count.browser],
      ['languages', count.language],
      ['countries', count.country],
    ] as const) {
      if (value === undefined) continue;
      tally[dimension][value] = (tally[dimension][value] ?? 0) + 1;
      if (count.visitor === undefined) continue;
      const id = `${count.day}|${dimension}|${value}`;
      let entry = dimensions.get(id);
      if (!entry) dimensions.set(id, (entry = { day: count.day, dimension, value, visitors: new Set() }));
      entry.visitors.add(count.visitor);
    }
    if (count.organisation && count.visitor !== undefined) {
      const { asn, name } = count.organisation;
      const id = `${count.day}|${asn}|${name}`;
      let org = organisations.get(id);
      if (!org) organisations.set(id, (org = { day: count.day, asn, name, views: 0, visitors: new Set(), pages: new Map() }));
      org.views += 1;
      org.visitors.add(count.visitor);
      let page = org.pages.get(count.path);
      if (!page) org.pages.set(count.path, (page = { views: 0, visitors: new Set() }));
      page.views += 1;
      page.visitors.add(count.visitor);
    }
  }
  return { paths: [...paths.values()], organisations: [...organisations.values()], dimensions: [...dimensions.values()] };
}
