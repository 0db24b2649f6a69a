import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { median } from './cold-load.js';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors5xx: number;
  accepted: number;
}

/** The p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Runs `total` calls of `call` with `concurrency` in flight; `call` resolves to an HTTP status. */
/** Calls `each` for indexes 0 to `total` - 1, with `concurrency` calls in flight at any time. */
export async function inFlight(total: number, concurrency: number, each: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next;
        next += 1;
        await each(index);
      }
    }),
  );
}

export async function runLoad(total: number, concurrency: number, call: (index: number) => Promise<number>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors5xx = 0;
  let accepted = 0;
  const started = performance.now();
  await inFlight(total, concurrency, async (index) => {
    const begin = performance.now();
    const status = await call(index);
    latencies.push(performance.now() - begin);
    if (status >= 500) errors5xx += 1;
    if (status === 201 || status === 200) accepted += 1;
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: total,
    seconds,
    perSecond: total / seconds,
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 99),
    errors5xx,
    accepted,
  };
}

/** Raw PutItem calls on the same DynamoDB Local: the ceiling the gateway is compared with. */
export function rawPutItems(client: DynamoDBClient, tableName: string, total: number, concurrency: number): Promise<LoadResult> {
  return runLoad(total, concurrency, async (index) => {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: `BENCH#${index}` }, sk: { S: 'RAW' }, message: { S: 'x'.repeat(200) } },
      }),
    );
    return 200;
  });
}

/** How many items with `entity = value` the table holds. */
export async function countEntities(client: DynamoDBClient, tableName: string, entity: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :entity',
        ExpressionAttributeValues: { ':entity': { S: entity } },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}
