import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Channel, Topic } from '../../domain/consent.js';
import type { ConfirmationSender, SubscriptionStore } from '../../ports/subscription-store.js';
import { OUTBOX_MESSAGE_ENTITY } from '../../table.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

/** A pending sign-up is forgotten after the confirmation token's life. */
const PENDING_TTL_SECONDS = 7 * 24 * 3600;

/**
 * A contact that only ever signed up, never confirmed and never sent an inquiry is forgotten by TTL
 * 30 days after its latest sign-up (minimisation); confirming or an inquiry removes the expiry.
 */
export const UNCONFIRMED_CONTACT_TTL_SECONDS = 30 * 24 * 3600;

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** A confirmation that `requestConfirmation` queued, as the outbox reads it back. */
export interface QueuedConfirmation extends Partial<ConfirmationSender> {
  contactId: string;
  /** One key per queued message, so that a redelivered record sends nothing twice. */
  dedupeKey: string;
}

/**
 * Reads back a queued subscription confirmation from the outbox item this store writes (the
 * stream's new image); undefined for any other outbox message.
 */
export function queuedConfirmationOfItem(item: Record<string, unknown>): QueuedConfirmation | undefined {
  if (item.entity !== OUTBOX_MESSAGE_ENTITY || item.kind !== 'subscription_confirmation') return undefined;
  return {
    contactId: String(item.contactId),
    dedupeKey: `outbox#${String(item.sk)}`,
    ...(typeof item.mailboxKey === 'string' ? { mailbox: item.mailboxKey } : {}),
    ...(typeof item.clientKey === 'string' ? { client: item.clientKey } : {}),
  };
}

/** Pending sign-ups under their contact, with the confirmation queued as an outbox record. */
export class DynamoDbSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async createUnconfirmedContact(contactId: string, email: string, name: string | undefined, at: string): Promise<void> {
    const index = keys.contactsIndex(at, contactId);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.contact(contactId)),
          UpdateExpression:
            'SET entity = :entity, contactId = :contactId, email = if_not_exists(email, :email), ' +
            (name === undefined ? '' : '#name = if_not_exists(#name, :name), ') +
            'subscriptionUnconfirmed = :true, createdAt = if_not_exists(createdAt, :at), updatedAt = :at, expiresAt = :expiresAt, ' +
            // The contacts index (staff paging) keeps the first creation time.
            'gsi1pk = if_not_exists(gsi1pk, :indexPk), gsi1sk = if_not_exists(gsi1sk, :indexSk)',
          // A new contact, or one that still only holds an unconfirmed sign-up: its expiry moves with the newest request.
          ConditionExpression: 'attribute_not_exists(pk) OR (subscriptionUnconfirmed = :true AND attribute_exists(expiresAt))',
          ...(name === undefined ? {} : { ExpressionAttributeNames: { '#name': 'name' } }),
          ExpressionAttributeValues: marshall(
            {
              ':entity': 'contact',
              ':contactId': contactId,
              ':email': email,
              ':name': name,
              ':true': true,
              ':at': at,
              ':expiresAt': seconds(at) + UNCONFIRMED_CONTACT_TTL_SECONDS,
              ':indexPk': index.gsi1pk,
              ':indexSk': index.gsi1sk,
            },
            { removeUndefinedValues: true },
          ),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async requestConfirmation(
    contactId: string,
    topics: readonly Topic[],
    at: string,
    windowSeconds: number,
    sender?: ConfirmationSender,
  ): Promise<boolean> {
    return this.confirmationWrites(contactId, topics, at, windowSeconds, false, sender);
  }

  async requestNoConfirmation(contactId: string, at: string, windowSeconds: number, sender?: ConfirmationSender): Promise<void> {
    await this.confirmationWrites(contactId, ['newsletter'], at, windowSeconds, true, sender);
  }

  /**
   * The writes of a confirmation request: one transaction that adds the topics and queues the
   * message unless one was queued within the window, then one update that adds the topics (a
   * repeat when the transaction went through, what is kept when the window held it back). Both
   * always run, so that every request takes the same two calls. With `recordNothing`, both are
   * conditioned on what cannot hold, so that they cost the same and change nothing.
   */
  private async confirmationWrites(
    contactId: string,
    topics: readonly Topic[],
    at: string,
    windowSeconds: number,
    recordNothing: boolean,
    sender: ConfirmationSender | undefined,
  ): Promise<boolean> {
    const pending = keys.subscription(contactId);
    const never = recordNothing
      ? { ConditionExpression: 'attribute_exists(#expiresAt) AND attribute_not_exists(#expiresAt)' }
      : {};
    const addTopics = {
      TableName: this.tableName,
      Key: marshall(pending),
      ExpressionAttributeNames: { '#topics': 'topics', '#expiresAt': 'expiresAt' },
    };
    let queued = true;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                ...addTopics,
                UpdateExpression:
                  'ADD #topics :topics SET #sentAt = :now, #expiresAt = :expiresAt, entity = :entity, contactId = :contactId',
                ConditionExpression: recordNothing
                  ? `(${never.ConditionExpression}) AND #sentAt < :windowStart`
                  : 'attribute_not_exists(#sentAt) OR #sentAt < :windowStart',
                ExpressionAttributeNames: { ...addTopics.ExpressionAttributeNames, '#sentAt': 'confirmationQueuedAt' },
                ExpressionAttributeValues: marshall({
                  ':topics': new Set(topics),
                  ':now': seconds(at),
                  ':windowStart': seconds(at) - windowSeconds,
                  ':expiresAt': seconds(at) + PENDING_TTL_SECONDS,
                  ':entity': 'subscription_pending',
                  ':contactId': contactId,
                }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: marshall({
                  ...keys.outbox(contactId, at, 'subscription_confirmation'),
                  entity: OUTBOX_MESSAGE_ENTITY,
                  kind: 'subscription_confirmation',
                  contactId,
                  at,
                  ...(sender ? { mailboxKey: sender.mailbox } : {}),
                  ...(sender?.client ? { clientKey: sender.client } : {}),
                  expiresAt: seconds(at) + PENDING_TTL_SECONDS,
                }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed')
        throw error;
      // A confirmation went out within the window: remember the topics, send nothing.
      queued = false;
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          ...addTopics,
          UpdateExpression: 'ADD #topics :topics SET #expiresAt = :expiresAt',
          ExpressionAttributeValues: marshall({ ':topics': new Set(topics), ':expiresAt': seconds(at) + PENDING_TTL_SECONDS }),
          ...never,
        }),
      );
    } catch (error) {
      if (!(recordNothing && error instanceof ConditionalCheckFailedException)) throw error;
    }
    return queued;
  }

  async pendingTopics(contactId: string, channel: Channel = 'email'): Promise<Topic[] | undefined> {
    const key = channel === 'email' ? keys.subscription(contactId) : keys.smsPending(contactId);
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const { topics } = unmarshall(result.Item) as { topics?: Set<Topic> };
    return topics ? [...topics].sort() : undefined;
  }

  async clearSmsPending(contactId: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(keys.smsPending(contactId)) }));
  }

  async markConfirmed(contactId: string): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.contact(contactId)),
          UpdateExpression: 'REMOVE subscriptionUnconfirmed, expiresAt',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(keys.subscription(contactId)) }));
  }
}
