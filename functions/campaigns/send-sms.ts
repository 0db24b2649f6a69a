import { DynamoDbCampaignStore } from '../../shared/adapters/dynamodb/campaign-store.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs/work-queue.js';
import { campaignQueueUrls, runtimeConfig } from '../../shared/config.js';
import { sendBatch } from '../../shared/domain/campaigns/process-work.js';
import { smsGate } from '../../shared/wiring.js';
import { campaignQueueConsumer } from './queue-consumer.js';

const config = runtimeConfig();
const deps = {
  campaigns: new DynamoDbCampaignStore(config.TABLE_NAME),
  queue: new SqsWorkQueue(campaignQueueUrls(config)),
  gate: smsGate(config),
  pace: async () => undefined,
};

/** The campaign SMS sender: each text through the send gate, quiet hours deferring it to a later delivery. */
export const handler = campaignQueueConsumer((work: Parameters<typeof sendBatch>[1], { remainingMs }) =>
  sendBatch({ ...deps, remainingMs }, work),
);
