import { describe, expect, it } from '@jest/globals';
import { LOCAL_TABLE_NAME } from '../../local/stack.js';
import { DynamoDbAnalyticsAggregates, MAX_PATHS_PER_DAY } from '../../shared/adapters/dynamodb/analytics-aggregates.js';
import { DynamoDbAnalyticsReader } from '../../shared/adapters/dynamodb/analytics-reader.js';
import { tallyBeacons } from '../../shared/domain/analytics/tally.js';
import type { BeaconCount } from '../../shared/ports/analytics-store.js';
import { liteLocalDynamoDb, pastDay, tableItems } from './local-stack.js';

/**
 * The aggregator's adapter against DynamoDB Local: each test counts on a day of its own, long
 * past, so that no beacon of another test lands there.
 */
const FORD = { asn: 521, name: 'Ford Motor Company' };

/** A page view from a business visitor whose sketch element is `visitor`. */
const view = (day: string, path: string, visitor: number): BeaconCount => ({
  kind: 'pageview',
  day,
  path,
  optedOut: false,
  visitor,
  browser: 'Firefox',
  organisation: FORD,
});

describe('the analytics aggregates in the table', () => {
  it('counts paths beyond the day’s cap under "other", on their own items and on the organisation’s', async () => {
    // Arrange: a cap of 5 paths; 12 distinct paths, each read by one visitor of the same organisation
    const day = pastDay();
    const aggregates = new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb(), 5);
    const counts = Array.from({ length: 12 }, (_, index) => view(day, `/p/${index}`, 64 * index + 1));
    // Act: in three batches, as the queue would deliver them
    for (let start = 0; start < counts.length; start += 4) await aggregates.add(tallyBeacons(counts.slice(start, start + 4)));
    await aggregates.add(tallyBeacons([view(day, '/p/0', 64 * 20 + 1)]));
    // Assert
    const [stored] = await new DynamoDbAnalyticsReader(LOCAL_TABLE_NAME, liteLocalDynamoDb()).readDays([day]);
    // The second batch's four paths race for the fifth slot; whichever wins takes it.
    const views = Object.fromEntries((stored?.paths ?? []).map((path) => [path.path, path.views]));
    const fifth = Object.keys(views).find((path) => ['/p/4', '/p/5', '/p/6', '/p/7'].includes(path)) ?? '(none)';
    expect(views).toEqual({ '/p/0': 2, '/p/1': 1, '/p/2': 1, '/p/3': 1, [fifth]: 1, other: 7 });
    expect(stored?.organisations).toHaveLength(1);
    expect(Object.keys(stored?.organisations[0]?.pages ?? {}).sort()).toEqual(['/p/0', '/p/1', '/p/2', '/p/3', fifth, 'other']);
    expect(stored?.organisations[0]?.pages.other?.views).toBe(7);
    expect(stored?.organisations[0]?.visitors).toHaveLength(13);
  });

  it('keeps every item of a day small however many paths an organisation reads: no attribute per path', async () => {
    // Arrange: one organisation reads 150 distinct long paths (the old design put each on the organisation's item, 60 KB here)
    const day = pastDay();
    const aggregates = new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb());
    const counts = Array.from({ length: 150 }, (_, index) =>
      view(day, `/inventory/${index}/${'x'.repeat(400)}`, 64 * (index % 1024) + 2),
    );
    // Act
    for (let start = 0; start < counts.length; start += 50) await aggregates.add(tallyBeacons(counts.slice(start, start + 50)));
    // Assert
    const items = (await tableItems()).filter((item) => item.pk === `ANALYTICS#${day}`);
    const largest = Math.max(
      ...items.map((item) => JSON.stringify(item, (_key, value: unknown) => (value instanceof Set ? [...value] : value)).length),
    );
    const widest = Math.max(...items.map((item) => Object.keys(item).length));
    expect(items.filter((item) => String(item.sk).startsWith('ORGPAGE#'))).toHaveLength(150);
    expect(largest).toBeLessThan(4_000);
    expect(widest).toBeLessThanOrEqual(8);
    expect(MAX_PATHS_PER_DAY).toBeGreaterThanOrEqual(150);
  }, 180_000);
});
