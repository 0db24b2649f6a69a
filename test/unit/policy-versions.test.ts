import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbPolicyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import { POLICY_CACHE_SECONDS, assertEffectiveLateEnough } from '../../shared/domain/policy/policy-version.js';
import { ValidationError } from '../../shared/domain/errors.js';

const dynamoDb = mockClient(DynamoDBClient);
const CONFIGURED = { version: 'v1', effectiveAt: '2020-01-01T00:00:00.000Z', summary: 'first', url: 'https://x.test/v1' };
const T0 = Date.parse('2027-03-01T12:00:00.000Z');

/** The table's policy partition: answers the adapter's two range queries from `stored`. */
function table(stored: { version: string; effectiveAt: string }[]) {
  dynamoDb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    const values = input.ExpressionAttributeValues ?? {};
    const from = values[':from']?.S ?? '';
    const to = values[':to']?.S ?? '';
    const items = stored
      .map((version) => ({
        ...version,
        summary: 's',
        url: 'https://x.test',
        sk: `VERSION#${version.effectiveAt}#${version.version}`,
      }))
      .filter((item) => item.sk >= from && item.sk <= to)
      .sort((a, b) => (a.sk < b.sk ? -1 : 1));
    if (input.ScanIndexForward === false) items.reverse();
    return { Items: items.slice(0, 1).map((item) => marshall(item)) };
  });
}

const at = (ms: number) => new Date(T0 + ms);
const seconds = (n: number) => n * 1000;

beforeEach(() => {
  dynamoDb.reset();
});

describe('DynamoDbPolicyVersions', () => {
  it('switches to a version stored before it read, exactly at its effective time, not a cache lifetime later', async () => {
    // Arrange: v2 is stored and due in 5 s
    table([{ version: 'v2', effectiveAt: at(seconds(5)).toISOString() }]);
    const policy = new DynamoDbPolicyVersions('forecourt', CONFIGURED, new DynamoDBClient({}));
    // Act
    const before = await policy.inForce(at(0));
    const justBefore = await policy.inForce(at(seconds(5) - 1));
    const onTime = await policy.inForce(at(seconds(5)));
    // Assert
    expect([before.version, justBefore.version, onTime.version]).toEqual(['v1', 'v1', 'v2']);
  });

  it('sees a version stored after it read no later than the earliest effective time a new version may have', async () => {
    // Arrange: the cache is filled, then v2 is stored as late as the rule allows
    const stored: { version: string; effectiveAt: string }[] = [];
    table(stored);
    const policy = new DynamoDbPolicyVersions('forecourt', CONFIGURED, new DynamoDBClient({}));
    await policy.inForce(at(0));
    const storedAt = seconds(1);
    const effectiveAt = at(storedAt + seconds(POLICY_CACHE_SECONDS));
    assertEffectiveLateEnough(effectiveAt.toISOString(), at(storedAt));
    stored.push({ version: 'v2', effectiveAt: effectiveAt.toISOString() });
    // Act
    const cached = await policy.inForce(at(storedAt + 1));
    const onTime = await policy.inForce(effectiveAt);
    // Assert
    expect(cached.version).toBe('v1');
    expect(onTime.version).toBe('v2');
  });

  it('reads the table again only once its cache lifetime has passed', async () => {
    // Arrange
    table([]);
    const policy = new DynamoDbPolicyVersions('forecourt', CONFIGURED, new DynamoDBClient({}));
    // Act
    await policy.inForce(at(0));
    await policy.inForce(at(seconds(POLICY_CACHE_SECONDS) - 1));
    const readsWithin = dynamoDb.commandCalls(QueryCommand).length;
    await policy.inForce(at(seconds(POLICY_CACHE_SECONDS)));
    // Assert
    expect(readsWithin).toBe(2);
    expect(dynamoDb.commandCalls(QueryCommand)).toHaveLength(4);
  });
});

describe('assertEffectiveLateEnough', () => {
  it.each([
    ['in the past', -1000],
    ['now', 0],
    ['just inside the cache lifetime', seconds(POLICY_CACHE_SECONDS) - 1],
  ])('refuses an effective time %s', (_, offset) => {
    expect(() => assertEffectiveLateEnough(at(offset).toISOString(), at(0))).toThrow(ValidationError);
  });

  it('accepts an effective time a cache lifetime away or later', () => {
    expect(() => assertEffectiveLateEnough(at(seconds(POLICY_CACHE_SECONDS)).toISOString(), at(0))).not.toThrow();
  });
});
