import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoDbAudienceIndex } from '../../shared/adapters/dynamodb/audience-index.js';
import { preferencesOf } from '../../shared/adapters/dynamodb/recipient-directory.js';
import { runtimeConfig } from '../../shared/config.js';
import { audiencesOf } from '../../shared/domain/campaigns/audience.js';
import type { AudienceFacts } from '../../shared/domain/campaigns/audience.js';
import { logger } from '../../shared/logger.js';

const config = runtimeConfig();
const index = new DynamoDbAudienceIndex(config.TABLE_NAME);
const processor = new BatchProcessor(EventType.DynamoDBStreams);

function factsOf(image: Record<string, AttributeValue> | undefined): AudienceFacts | undefined {
  if (!image) return undefined;
  const item = unmarshall(image);
  return {
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
    ...(typeof item.phone === 'string' ? { phone: item.phone } : {}),
    preferences: preferencesOf(item),
    emailOptOutAll: item.emailOptOutAll === true,
    subscriptionUnconfirmed: item.subscriptionUnconfirmed === true,
  };
}

async function indexRecord(record: DynamoDBRecord): Promise<void> {
  const before = audiencesOf(factsOf(record.dynamodb?.OldImage as Record<string, AttributeValue> | undefined));
  const after = audiencesOf(factsOf(record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined));
  const added = [...after].filter((key) => !before.has(key));
  const removed = [...before].filter((key) => !after.has(key));
  if (added.length === 0 && removed.length === 0) return;
  const contactId = String(
    unmarshall((record.dynamodb?.NewImage ?? record.dynamodb?.OldImage) as Record<string, AttributeValue>).contactId,
  );
  await index.update(contactId, added, removed);
  logger.info('Audience memberships changed', { contactId, added, removed });
}

/**
 * Keeps the campaign audience index in step with contacts, from the table's stream: each change of
 * address or consent adds or removes memberships; an erased contact leaves every audience.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event, context) => processPartialResponse(event, indexRecord, processor, { context }));
