import { DynamoDbCampaignStore } from '../../shared/adapters/dynamodb/campaign-store.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs/work-queue.js';
import { campaignQueueUrls, runtimeConfig } from '../../shared/config.js';
import { createPacer } from '../../shared/domain/campaigns/pacer.js';
import { sendBatch } from '../../shared/domain/campaigns/process-work.js';
import { emailGate } from '../../shared/wiring.js';
import { campaignQueueConsumer } from './queue-consumer.js';

const config = runtimeConfig();
const deps = {
  campaigns: new DynamoDbCampaignStore(config.TABLE_NAME),
  // Batches handed back before the timeout, and recipients whose claim another sender holds.
  queue: new SqsWorkQueue(campaignQueueUrls(config)),
  gate: emailGate(config),
  // Each of the concurrent senders takes its share of the account's SES rate.
  pace: createPacer(config.SES_RATE_PER_SECOND / config.SENDER_CONCURRENCY),
};

/**
 * The campaign email sender: one SES SendBulkEmail call per batch of at most 50, paced to the SES
 * rate; a batch whose turn would come after the timeout goes back to the queue.
 */
export const handler = campaignQueueConsumer((work: Parameters<typeof sendBatch>[1], { remainingMs }) =>
  sendBatch({ ...deps, remainingMs }, work),
);
