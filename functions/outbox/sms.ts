import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { runtimeConfig } from '../../shared/config.js';
import { sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import { loggableError } from '../../shared/domain/masking.js';
import { logger } from '../../shared/logger.js';
import { INQUIRY_ENTITY } from '../../shared/table.js';
import { SMS_BUDGET_EXHAUSTED } from '../../shared/domain/inquiries/send-follow-ups.js';
import { followUpDeps, smsGate } from '../../shared/wiring.js';
import { insertedItem, outboxInquiryOf } from './records.js';

const config = runtimeConfig();
const deps = followUpDeps(config, ['sms'], smsGate(config));
const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function sendRecord(record: DynamoDBRecord): Promise<void> {
  const item = insertedItem(record);
  if (!item || item.entity !== INQUIRY_ENTITY) return;
  try {
    const outcomes = await sendInquiryFollowUps(deps, outboxInquiryOf(item));
    logger.info('Inquiry SMS follow-ups processed', { contactId: item.contactId, inquiryId: item.inquiryId, outcomes });
    // The alarm on the deployment's daily SMS budget counts this line (a CloudWatch metric filter).
    if (outcomes.sms_opt_in_confirmation === 'skipped_budget_exhausted')
      logger.error(SMS_BUDGET_EXHAUSTED, { dailyBudget: deps.smsCaps.dailyBudget });
  } catch (error) {
    logger.warn('Outbox record failed', { contactId: item.contactId, sk: item.sk, error: loggableError(error) });
    throw error;
  }
}

/**
 * The SMS outbox consumer: the opt-in confirmation each inserted inquiry owes. Its failures never
 * hold back the email follow-ups, which another consumer sends from the same stream.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event, context) => processPartialResponse(event, sendRecord, processor, { context }));
