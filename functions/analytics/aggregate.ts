import type { SQSRecord } from 'aws-lambda';
import { DynamoDbAnalyticsAggregates } from '../../shared/adapters/dynamodb/analytics-aggregates.js';
import { runtimeConfig } from '../../shared/config.js';
import { tallyBeacons } from '../../shared/domain/analytics/tally.js';
import { wholeBatchQueueHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { parseBeaconCount } from './count-schema.js';

const config = runtimeConfig();
const aggregates = new DynamoDbAnalyticsAggregates(config.TABLE_NAME);

/**
 * The analytics queue's consumer: adds a batch of beacons' counts to the day aggregates in a few
 * atomic updates (`tallyBeacons`, then one `ADD` per path, sketch, dimension value and
 * organisation). A message that is not a beacon count is dropped and logged by its id: it would
 * fail every time. A failed write fails the batch, which SQS redelivers, then dead-letters.
 */
export const handler = wholeBatchQueueHandler(async (records: readonly SQSRecord[]) => {
  const counts = [];
  for (const record of records) {
    const count = parseBeaconCount(record.body);
    if (count) counts.push(count);
    else logger.warn('Dropped a message that is not a beacon count', { messageId: record.messageId });
  }
  if (counts.length > 0) await aggregates.add(tallyBeacons(counts));
});
