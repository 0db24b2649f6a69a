import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { DynamoDbCampaignStore } from '../../shared/adapters/dynamodb/campaign-store.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs/work-queue.js';
import { campaignQueueUrls, runtimeConfig } from '../../shared/config.js';
import { dispatchDueCampaigns } from '../../shared/domain/campaigns/dispatch.js';
import { lambdaLogContext, logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = runtimeConfig();
const campaigns = new DynamoDbCampaignStore(config.TABLE_NAME);
const queue = new SqsWorkQueue(campaignQueueUrls(config));

/** The campaign dispatcher, every minute (EventBridge in AWS; `POST /_local/jobs/campaign-dispatch` locally). */
export const handler = middy<ScheduledEvent, { started: string[]; replanned: string[] }, Error, Context>()
  .use(lambdaLogContext<ScheduledEvent, { started: string[]; replanned: string[] }>())
  .handler(async (event) => {
    // Due means due at the scheduled tick, which EventBridge stamps on the event.
    const tick = event.time ? new Date(event.time) : systemClock.now();
    const result = await dispatchDueCampaigns({ campaigns, queue, clock: { now: () => tick } });
    if (result.started.length > 0 || result.replanned.length > 0) logger.info('Campaign runs started', result);
    return result;
  });
