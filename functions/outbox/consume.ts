import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';
import { runtimeConfig } from '../../shared/config.js';
import { sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import type { OutboxInquiry } from '../../shared/domain/inquiries/send-follow-ups.js';
import { logger } from '../../shared/logger.js';
import { INQUIRY_ENTITY } from '../../shared/table.js';
import { brandOf, recipientDirectory, sendGate } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = {
  gate: sendGate(config),
  directory: recipientDirectory(config),
  brand: brandOf(config),
  salesAddress: config.SALES_NOTIFICATION_ADDRESS,
  smsMessagesPerMonth: config.SMS_MESSAGES_PER_MONTH,
};
const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** Reads the outbox fields of an inserted inquiry from its stream image. */
export function outboxInquiryOf(record: DynamoDBRecord): OutboxInquiry | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item.entity !== INQUIRY_ENTITY) return undefined;
  return {
    inquiryId: item.inquiryId,
    contactId: item.contactId,
    followUps: item.followUps ?? [],
    topic: item.topic,
    message: item.message,
    pageUrl: item.pageUrl,
    companyName: item.companyName,
    dealershipType: item.dealershipType,
    receivedAt: item.visit?.receivedAt,
  };
}

async function sendRecord(record: DynamoDBRecord): Promise<void> {
  const inquiry = outboxInquiryOf(record);
  if (!inquiry) return;
  const ids = { inquiryId: inquiry.inquiryId, contactId: inquiry.contactId };
  try {
    const outcomes = await sendInquiryFollowUps(deps, inquiry);
    logger.info('Inquiry follow-ups processed', { ...ids, outcomes });
  } catch (error) {
    // The message names only the failed follow-ups, never an address; the stream retries the record.
    logger.warn('Inquiry follow-ups failed', { ...ids, reason: error instanceof Error ? error.message : 'unknown' });
    throw error;
  }
}

/**
 * The outbox consumer: a DynamoDB stream of inquiry inserts. A failed record is reported back so
 * that Lambda retries from it (bisecting the batch), and what keeps failing goes to the DLQ.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event, context) => processPartialResponse(event, sendRecord, processor, { context }));
