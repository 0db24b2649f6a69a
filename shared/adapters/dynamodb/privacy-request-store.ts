import {
  ConditionalCheckFailedException,
  GetItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, Update } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type {
  PrivacyRequest,
  PrivacyRequestStatus,
  PrivacyStep,
  PrivacyTask,
  PrivacyTaskKind,
} from '../../domain/privacy/privacy-request.js';
import { recordExpiry } from '../../domain/privacy/submit-privacy-request.js';
import type { PrivacyRequestStore, PrivacyTransition } from '../../ports/privacy-requests.js';
import { dynamoDbClient } from './client.js';
import { DynamoDbPrivacyRequestReads, PRIVACY_TASK_ENTITY, requestOfItem, TASK_TTL_SECONDS } from './privacy-request-reads.js';
import { keys } from './keys.js';

export { PRIVACY_TASK_ENTITY } from './privacy-request-reads.js';
/** The `entity` of a privacy request's record. */
export const PRIVACY_REQUEST_ENTITY = 'privacy_request';
/** The `entity` of an address's index entry of a request that may wait for an acknowledgement. */
export const PRIVACY_ADDRESS_ENTRY_ENTITY = 'privacy_address_entry';

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * The task a stream record inserted, or undefined for any other record: only an insert of a
 * privacy task owes a message.
 */
export function privacyTaskOf(record: DynamoDBRecord): PrivacyTask | undefined {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return undefined;
  // aws-lambda's AttributeValue type and the SDK's describe the same wire shape.
  const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
  if (item.entity !== PRIVACY_TASK_ENTITY) return undefined;
  return {
    requestId: String(item.requestId),
    kind: item.kind as PrivacyTaskKind,
    // A retry names its own key (one per address per day); a request's task is keyed by its item.
    dedupeKey: typeof item.dedupeKey === 'string' ? item.dedupeKey : `privacy#${String(item.requestId)}#${String(item.sk)}`,
    ...(typeof item.mailboxKey === 'string' ? { mailbox: item.mailboxKey } : {}),
    ...(typeof item.clientKey === 'string' ? { client: item.clientKey } : {}),
  };
}

/**
 * Privacy requests under `PRIVACY_REQUEST#<id>`: the record (`REQUEST`, listed on gsi1 under
 * `PRIVACY_REQUESTS` by receipt time) and the tasks it queues (`TASK#<at>#<kind>`), each written
 * in the same transaction as the change that owes it.
 */
export class DynamoDbPrivacyRequestStore implements PrivacyRequestStore {
  private readonly reads: DynamoDbPrivacyRequestReads;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {
    this.reads = new DynamoDbPrivacyRequestReads(tableName, client);
  }

  private taskPut(requestId: string, at: string, kind: PrivacyTaskKind, caps: Pick<PrivacyTask, 'mailbox' | 'client'> = {}) {
    return {
      Put: {
        TableName: this.tableName,
        Item: marshall({
          ...keys.privacyTask(requestId, at, kind),
          entity: PRIVACY_TASK_ENTITY,
          requestId,
          kind,
          at,
          ...(caps.mailbox ? { mailboxKey: caps.mailbox } : {}),
          ...(caps.client ? { clientKey: caps.client } : {}),
          expiresAt: seconds(at) + TASK_TTL_SECONDS,
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  async create(request: PrivacyRequest, acknowledgement: Pick<PrivacyTask, 'mailbox' | 'client'>): Promise<void> {
    await this.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: marshall(
                {
                  ...keys.privacyRequest(request.requestId),
                  entity: PRIVACY_REQUEST_ENTITY,
                  ...request,
                  gsi1pk: keys.privacyRequestsIndex,
                  gsi1sk: `${request.receivedAt}#${request.requestId}`,
                  expiresAt: recordExpiry(request.receivedAt),
                },
                { removeUndefinedValues: true },
              ),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          this.taskPut(request.requestId, request.receivedAt, 'acknowledgement', acknowledgement),
          // Written for every address, known or not, so that every request takes the same write.
          {
            Put: {
              TableName: this.tableName,
              Item: marshall({
                ...keys.privacyMailboxEntry(request.mailboxKey ?? request.emailKey, request.receivedAt, request.requestId),
                entity: PRIVACY_ADDRESS_ENTRY_ENTITY,
                requestId: request.requestId,
                expiresAt: recordExpiry(request.receivedAt),
              }),
            },
          },
        ],
      }),
    );
  }

  async get(requestId: string): Promise<PrivacyRequest | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(keys.privacyRequest(requestId)), ConsistentRead: true }),
    );
    return result.Item ? requestOfItem(unmarshall(result.Item)) : undefined;
  }

  async transition(requestId: string, change: PrivacyTransition): Promise<boolean> {
    const names: Record<string, string> = { '#steps': 'steps', '#status': 'status' };
    const values: Record<string, unknown> = { ':step': [change.step] };
    const sets = ['#steps = list_append(#steps, :step)'];
    if (change.to) {
      sets.push('#status = :to');
      values[':to'] = change.to;
    }
    if (change.respondBy) {
      sets.push('respondBy = :respondBy');
      values[':respondBy'] = change.respondBy;
    }
    if (change.acknowledgedAt) {
      sets.push('acknowledgedAt = :acknowledgedAt');
      values[':acknowledgedAt'] = change.acknowledgedAt;
    }
    const from = change.from.map((status, index) => {
      values[`:from${index}`] = status;
      return `:from${index}`;
    });
    const update: Update = {
      TableName: this.tableName,
      Key: marshall(keys.privacyRequest(requestId)),
      UpdateExpression: `SET ${sets.join(', ')}${change.dropEmail ? ' REMOVE email' : ''}`,
      ConditionExpression: `attribute_exists(pk) AND #status IN (${from.join(', ')})${
        change.unacknowledged ? ' AND attribute_not_exists(acknowledgedAt)' : ''
      }`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values),
    };
    try {
      if (change.task) {
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Update: update }, this.taskPut(requestId, change.step.at, change.task)],
          }),
        );
      } else {
        await this.client.send(new UpdateItemCommand(update));
      }
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')
        return false;
      throw error;
    }
  }

  async appendStep(requestId: string, step: PrivacyStep): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.privacyRequest(requestId)),
        UpdateExpression: 'SET #steps = list_append(#steps, :step)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#steps': 'steps' },
        ExpressionAttributeValues: marshall({ ':step': [step] }),
      }),
    );
  }

  async list(options: { status?: PrivacyRequestStatus; limit: number }): Promise<PrivacyRequest[]> {
    return this.reads.list(options);
  }
}
