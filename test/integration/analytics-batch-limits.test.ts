import { describe, expect, it } from '@jest/globals';
import { LOCAL_TABLE_NAME } from '../../local/stack.js';
import { DynamoDbAnalyticsAggregates } from '../../shared/adapters/dynamodb/analytics-aggregates.js';
import { DynamoDbAnalyticsReader } from '../../shared/adapters/dynamodb/analytics-reader.js';
import { languageOf } from '../../shared/domain/analytics/record-beacon.js';
import { tallyBeacons } from '../../shared/domain/analytics/tally.js';
import type { BeaconCount } from '../../shared/ports/analytics-store.js';
import { liteLocalDynamoDb, pastDay } from './local-stack.js';

/**
 * A stranger's burst of beacons on one path, each with another `Accept-Language` (the beacon
 * accepts 928 distinct codes), lands in one queue batch (up to 500 messages). DynamoDB caps an
 * update expression at 4 KB: one `ADD` per dimension value in one update would fail the whole
 * batch every time, dead-lettering every honest beacon in it. The aggregator splits the updates.
 */

const LANGUAGES = (() => {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const found: string[] = [];
  for (const a of letters)
    for (const b of letters) {
      if (languageOf(a + b)) found.push(a + b);
      for (const c of letters) if (languageOf(a + b + c)) found.push(a + b + c);
    }
  return found;
})();

describe('red team: the analytics aggregator under a burst of distinct languages on one path', () => {
  it('still counts the honest beacon of the batch', async () => {
    // Arrange: one honest view, and 499 views of /x, each with its own language
    const day = pastDay(1985);
    const honest: BeaconCount = { kind: 'pageview', day, path: '/pricing', optedOut: false, visitor: 65 };
    const burst: BeaconCount[] = LANGUAGES.slice(0, 499).map((language, index) => ({
      kind: 'pageview',
      day,
      path: '/x',
      optedOut: false,
      visitor: 64 * (index % 1024) + 1,
      language,
    }));
    const aggregates = new DynamoDbAnalyticsAggregates(LOCAL_TABLE_NAME, liteLocalDynamoDb());
    // Act
    const outcome = await aggregates.add(tallyBeacons([honest, ...burst])).then(
      () => 'ok',
      (error: unknown) => String(error),
    );
    // Assert
    expect(LANGUAGES.length).toBeGreaterThan(900);
    expect(outcome).toBe('ok');
    const [stored] = await new DynamoDbAnalyticsReader(LOCAL_TABLE_NAME, liteLocalDynamoDb()).readDays([day]);
    expect(stored?.paths.find((path) => path.path === '/pricing')?.views).toBe(1);
  }, 120_000);
});
