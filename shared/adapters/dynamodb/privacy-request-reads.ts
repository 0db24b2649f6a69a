import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { PrivacyRequest, PrivacyRequestStatus } from '../../domain/privacy/privacy-request.js';
import type { PrivacyRequestStore } from '../../ports/privacy-requests.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

/** The `entity` of a message a privacy request owes: the privacy outbox consumer takes these. */
export const PRIVACY_TASK_ENTITY = 'privacy_task';

/** A queued task is forgotten after a week: its sends are keyed, and the stream keeps records 24 h. */
export const TASK_TTL_SECONDS = 7 * 24 * 3600;

/** The request fields kept on its item; the keys and index attributes are added beside them. */
const REQUEST_FIELDS = [
  'requestId',
  'type',
  'status',
  'emailKey',
  'mailboxKey',
  'maskedEmail',
  'email',
  'contactId',
  'details',
  'receivedAt',
  'acknowledgeBy',
  'respondBy',
  'acknowledgedAt',
  'steps',
] as const;

/** A request as its item stores it, without keys or index attributes. */
export function requestOfItem(item: Record<string, unknown>): PrivacyRequest {
  return Object.fromEntries(
    REQUEST_FIELDS.filter((field) => item[field] !== undefined).map((field) => [field, item[field]]),
  ) as unknown as PrivacyRequest;
}

/**
 * Reads of the privacy-request listing (gsi1 `PRIVACY_REQUESTS`, newest first), apart from the
 * store's writes, so that a read-only function (the daily overdue check) carries only Query.
 */
export class DynamoDbPrivacyRequestReads implements Pick<PrivacyRequestStore, 'list'> {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async list(options: { status?: PrivacyRequestStatus; limit: number }): Promise<PrivacyRequest[]> {
    const found: PrivacyRequest[] = [];
    let cursor: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ...(options.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: marshall({
            ':pk': keys.privacyRequestsIndex,
            ...(options.status ? { ':status': options.status } : {}),
          }),
          ScanIndexForward: false,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      for (const item of page.Items ?? []) found.push(requestOfItem(unmarshall(item)));
      cursor = page.LastEvaluatedKey;
    } while (cursor && found.length < options.limit);
    return found.slice(0, options.limit);
  }
}
