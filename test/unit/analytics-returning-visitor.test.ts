import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { recordBeacon } from '../../shared/domain/analytics/record-beacon.js';
import { buildReport } from '../../shared/domain/analytics/report.js';
import { tallyBeacons } from '../../shared/domain/analytics/tally.js';
import type { AnalyticsDay, BeaconCount, BeaconTally } from '../../shared/ports/analytics-store.js';

/**
 * The threshold of SPEC §3 ("Aggregates below a small threshold (fewer than 3 visitors)
 * are not shown. Unique visitors over a range are not the sum of daily uniques.") against ONE
 * person who keeps their `fc_vid` cookie and reads a page on three days.
 */
const hashOf = (text: string) => createHash('sha256').update(text).digest();

class Queue {
  readonly queued: BeaconCount[] = [];
  async enqueue(count: BeaconCount) {
    this.queued.push(count);
  }
  async dailySalt(day: string) {
    return hashOf(`salt-${day}`);
  }
}

/** What the reader would give back for a day, from the aggregator's tally of that day's beacons. */
function asDay(day: string, tally: BeaconTally): AnalyticsDay {
  return {
    day,
    paths: tally.paths.map(({ day: _day, visitors, ...path }) => ({ ...path, visitors: [...visitors] })),
    organisations: tally.organisations.map((org) => ({
      asn: org.asn,
      name: org.name,
      visitors: [...org.visitors],
      pages: Object.fromEntries(
        [...org.pages].map(([path, page]) => [path, { views: page.views, visitors: [...page.visitors] }]),
      ),
    })),
    dimensions: {
      browsers: Object.fromEntries(
        tally.dimensions.filter((entry) => entry.dimension === 'browsers').map((entry) => [entry.value, [...entry.visitors]]),
      ),
      languages: Object.fromEntries(
        tally.dimensions.filter((entry) => entry.dimension === 'languages').map((entry) => [entry.value, [...entry.visitors]]),
      ),
      countries: Object.fromEntries(
        tally.dimensions.filter((entry) => entry.dimension === 'countries').map((entry) => [entry.value, [...entry.visitors]]),
      ),
    },
  };
}

describe('one returning visitor over a range', () => {
  it('is counted once, so neither their page nor their organisation is shown over three days', async () => {
    // Arrange: one employee of a small business (its own ASN), one cookie, reads /pricing on three days
    const dates = ['2026-11-24', '2026-11-25', '2026-11-26'];
    const days: AnalyticsDay[] = [];
    for (const date of dates) {
      const queue = new Queue();
      await recordBeacon(
        {
          queue,
          salts: queue,
          networks: { lookup: () => ({ owner: { asn: 64_500, name: 'Smallville Motors LLC' }, country: 'US' }) },
          clock: { now: () => new Date(`${date}T12:00:00Z`) },
        },
        { event: { type: 'pageview', path: '/pricing/secret-deal' }, optedOut: false, visitorCookie: 'V'.repeat(22) },
      );
      days.push(asDay(date, tallyBeacons(queue.queued)));
    }
    // Act
    const report = buildReport(dates[0] ?? '', dates[2] ?? '', days);
    // Assert: one visitor over the range; no row shows them
    expect(report.totals.visitors).toBeNull();
    expect(report.pages.map((page) => page.path)).not.toContain('/pricing/secret-deal');
    expect(report.organisations.map((org) => org.name)).not.toContain('Smallville Motors LLC');
  });
});
