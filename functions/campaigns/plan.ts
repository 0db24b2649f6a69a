import { DynamoDbAudienceIndex } from '../../shared/adapters/dynamodb/audience-index.js';
import { DynamoDbCampaignStore } from '../../shared/adapters/dynamodb/campaign-store.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs/work-queue.js';
import { campaignQueueUrls, runtimeConfig } from '../../shared/config.js';
import { planShard } from '../../shared/domain/campaigns/process-work.js';
import { systemClock } from '../../shared/ports/clock.js';
import { campaignQueueConsumer } from './queue-consumer.js';

const config = runtimeConfig();
const deps = {
  campaigns: new DynamoDbCampaignStore(config.TABLE_NAME),
  audiences: new DynamoDbAudienceIndex(config.TABLE_NAME),
  queue: new SqsWorkQueue(campaignQueueUrls(config)),
  now: () => systemClock.now(),
};

/** The campaign planner: one audience shard per message, into batches of at most 50 recipients. */
export const handler = campaignQueueConsumer((work: Parameters<typeof planShard>[1]) => planShard(deps, work));
