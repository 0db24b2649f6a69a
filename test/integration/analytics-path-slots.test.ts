import { describe, expect, it } from '@jest/globals';
import { LOCAL_TABLE_NAME } from '../../local/stack.js';
import { DynamoDbAnalyticsAggregates } from '../../shared/adapters/dynamodb/analytics-aggregates.js';
import { DynamoDbAnalyticsReader } from '../../shared/adapters/dynamodb/analytics-reader.js';
import { tallyBeacons } from '../../shared/domain/analytics/tally.js';
import type { BeaconCount } from '../../shared/ports/analytics-store.js';
import { liteLocalDynamoDb, pastDay, tableItems } from './local-stack.js';

/**
 * The day's path slots (MAX_PATHS_PER_DAY, 5 here) against a stranger posting beacons with junk
 * paths: only a view with a visitor opens a path, and one network id opens only so many a day.
 * Each test counts on a day of its own, long past, so that no beacon of another test lands there.
 */
const readDay = async (day: string) =>
  (await new DynamoDbAnalyticsReader(LOCAL_TABLE_NAME, liteLocalDynamoDb()).readDays([day]))[0];
const viewsByPath = async (day: string) =>
  Object.fromEntries(((await readDay(day))?.paths ?? []).map((path) => [path.path, path.views]));

const optedOutView = (day: string, path: string): BeaconCount => ({ kind: 'pageview', day, path, optedOut: true });
const visitorView = (day: string, path: string, visitor: number, network?: number): BeaconCount => ({
  kind: 'pageview',
  day,
  path,
  optedOut: false,
  visitor,
  ...(network !== undefined ? { network } : {}),
});

describe('the day’s path slots against a stranger’s junk paths', () => {
  it('still counts a real page on its own row after a stranger posted opted-out views of more junk paths than the day’s cap', async () => {
    // Arrange: five opted-out (GPC/DNT) views of five junk paths at 00:00, with a cap of 5 paths
    const day = pastDay(1980);
    await new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb(), 5).add(
      tallyBeacons(Array.from({ length: 5 }, (_, index) => optedOutView(day, `/junk/${index}`))),
    );
    // Act: three real visitors read /pricing later that day
    const real = [1, 2, 3].map((visitor) => visitorView(day, '/pricing', 64 * visitor + 1, 10 + visitor));
    await new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb(), 5).add(tallyBeacons(real));
    // Assert: /pricing has its row; the junk is in "other", not on rows of its own
    expect(await viewsByPath(day)).toEqual({ '/pricing': 3, other: 5 });
  }, 120_000);

  it('counts opted-out views and engagements on a path a visitor already opened that day, and never opens one for them', async () => {
    // Arrange: a visitor opens /pricing
    const day = pastDay(1975);
    const aggregates = new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb(), 5);
    await aggregates.add(tallyBeacons([visitorView(day, '/pricing', 65, 1)]));
    // Act: opted-out views and an engagement of /pricing and of /closed, through another instance
    await new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb(), 5).add(
      tallyBeacons([
        optedOutView(day, '/pricing'),
        optedOutView(day, '/pricing'),
        { kind: 'engagement', day, path: '/pricing', seconds: 40 },
        optedOutView(day, '/closed'),
        { kind: 'engagement', day, path: '/closed', seconds: 5 },
      ]),
    );
    // Assert
    const stored = await readDay(day);
    const pricing = stored?.paths.find((path) => path.path === '/pricing');
    expect(pricing).toMatchObject({ views: 3, optedOutViews: 2, engagements: 1, seconds: 40 });
    expect(stored?.paths.find((path) => path.path === 'other')).toMatchObject({ views: 1, optedOutViews: 1, engagements: 1 });
    expect(stored?.paths.map((path) => path.path).sort()).toEqual(['/pricing', 'other']);
  }, 120_000);

  it('lets one network id open only its share of the day’s paths, then counts its new paths under "other", while other networks still open theirs', async () => {
    // Arrange: a day cap of 10, a network cap of 3; a stranger on network 7 reads 8 junk paths with 8 cookies
    const day = pastDay(1970);
    const aggregates = new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb(), 10, 3);
    const junk = Array.from({ length: 8 }, (_, index) => visitorView(day, `/junk/${index}`, 64 * index + 1, 7));
    await aggregates.add(tallyBeacons(junk.slice(0, 4)));
    await new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb(), 10, 3).add(tallyBeacons(junk.slice(4)));
    // Act: a visitor on network 8 reads /pricing; the stranger then reads /pricing too
    await aggregates.add(tallyBeacons([visitorView(day, '/pricing', 64 * 30 + 1, 8)]));
    await aggregates.add(tallyBeacons([visitorView(day, '/pricing', 64 * 31 + 1, 7)]));
    // Assert: three junk paths of their own, five in "other"; /pricing opened by network 8 and counted for both
    const views = await viewsByPath(day);
    expect(Object.keys(views).filter((path) => path.startsWith('/junk/'))).toHaveLength(3);
    expect(views.other).toBe(5);
    expect(views['/pricing']).toBe(2);
    // Only counts are kept for a network id: its counter, which expires 48 hours after its day began
    const counters = (await tableItems()).filter((item) => item.pk === `ANALYTICS_SLOTS#${day}`);
    expect(counters.map((item) => [item.sk, item.opened])).toEqual(
      expect.arrayContaining([
        ['NET#7', 3],
        ['NET#8', 1],
      ]),
    );
    expect(counters).toHaveLength(2);
    for (const item of counters) {
      expect(Object.keys(item).sort()).toEqual(['entity', 'expiresAt', 'opened', 'pk', 'sk']);
      expect(item.expiresAt).toBe(Date.parse(`${day}T00:00:00Z`) / 1000 + 48 * 3600);
    }
  }, 120_000);
});
