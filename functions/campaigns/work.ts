import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbAudienceIndex } from '../../shared/adapters/dynamodb/audience-index.js';
import { DynamoDbCampaignStore } from '../../shared/adapters/dynamodb/campaign-store.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs/work-queue.js';
import { runtimeConfig } from '../../shared/config.js';
import { createPacer } from '../../shared/domain/campaigns/pacer.js';
import { processCampaignWork } from '../../shared/domain/campaigns/process-work.js';
import { loggableError } from '../../shared/domain/masking.js';
import { logger } from '../../shared/logger.js';
import type { CampaignWork } from '../../shared/ports/work-queue.js';
import { sendGate } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = {
  campaigns: new DynamoDbCampaignStore(config.TABLE_NAME),
  audiences: new DynamoDbAudienceIndex(config.TABLE_NAME),
  queue: new SqsWorkQueue(config.CAMPAIGN_QUEUE_URL),
  gate: sendGate(config),
  // Each of the concurrent senders takes its share of the account's SES rate.
  pace: createPacer(config.SES_RATE_PER_SECOND / config.SENDER_CONCURRENCY),
};
const processor = new BatchProcessor(EventType.SQS);

async function processRecord(record: SQSRecord): Promise<void> {
  const work = JSON.parse(record.body) as CampaignWork;
  try {
    await processCampaignWork(deps, work);
  } catch (error) {
    logger.warn('Campaign work failed; SQS will redeliver it', {
      kind: work.kind,
      campaignId: work.campaignId,
      runId: work.runId,
      error: loggableError(error),
    });
    throw error;
  }
}

/**
 * The campaign queue consumer: plans audience shards and sends batches. Failed messages are
 * reported one by one (partial batch response); what keeps failing lands in the DLQ.
 */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event, context) => processPartialResponse(event, processRecord, processor, { context }));
