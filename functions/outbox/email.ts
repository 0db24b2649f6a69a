import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';
import { DynamoDbSubscriptionStore } from '../../shared/adapters/dynamodb/subscription-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import { sendSubscriptionConfirmation } from '../../shared/domain/subscriptions/confirmation.js';
import { loggableError } from '../../shared/domain/masking.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';
import { INQUIRY_ENTITY, OUTBOX_MESSAGE_ENTITY } from '../../shared/table.js';
import { brandOf, emailGate, followUpDeps } from '../../shared/wiring.js';
import { insertedItem, outboxInquiryOf } from './records.js';

const config = runtimeConfig();
const gate = emailGate(config);
const brand = brandOf(config);
const followUps = followUpDeps(config, ['email'], gate);
const confirmationDeps = {
  gate,
  subscriptions: new DynamoDbSubscriptionStore(config.TABLE_NAME),
  secrets: secretsSource(config),
  brand,
  clock: systemClock,
};
const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function sendRecord(record: DynamoDBRecord): Promise<void> {
  const item = insertedItem(record);
  if (!item) return;
  const ids = { contactId: item.contactId, sk: item.sk };
  try {
    if (item.entity === INQUIRY_ENTITY) {
      const outcomes = await sendInquiryFollowUps(followUps, outboxInquiryOf(item));
      logger.info('Inquiry follow-ups processed', { ...ids, inquiryId: item.inquiryId, outcomes });
    } else if (item.entity === OUTBOX_MESSAGE_ENTITY && item.kind === 'subscription_confirmation') {
      const outcome = await sendSubscriptionConfirmation(confirmationDeps, {
        contactId: String(item.contactId),
        dedupeKey: `outbox#${String(item.sk)}`,
      });
      logger.info('Subscription confirmation processed', { ...ids, outcome });
    }
  } catch (error) {
    // Provider messages can quote an address: only a redacted form is logged. The stream retries the record.
    logger.warn('Outbox record failed', { ...ids, error: loggableError(error) });
    throw error;
  }
}

/**
 * The email outbox consumer: the acknowledgement and new-lead email of each inserted inquiry, and
 * queued messages (subscription confirmations). A failed record is reported back so that Lambda
 * retries from it (bisecting the batch), and what keeps failing goes to the DLQ.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event, context) => processPartialResponse(event, sendRecord, processor, { context }));
