import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ClaimResult, SendClaim, SendLedger } from '../../ports/send-ledger.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true });

/**
 * Send records double as the message log: one item per message under its contact, whose status
 * moves sending → sent (or failed, or a skip). The claim is a conditional write: it succeeds only
 * when nothing was sent and no live lease is held, so two deliveries of one event send once.
 */
export class DynamoDbSendLedger implements SendLedger {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async claim(claim: SendClaim, leaseSeconds: number): Promise<ClaimResult> {
    const key = keys.message(claim.contactId, claim.dedupeKey);
    const nowSeconds = Math.floor(Date.parse(claim.at) / 1000);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(key),
          UpdateExpression:
            'SET entity = :entity, dedupeKey = :dedupeKey, contactId = :contactId, channel = :channel, category = :category, ' +
            'audience = :audience, campaignId = :campaignId, #status = :sending, leaseUntil = :leaseUntil, updatedAt = :at, ' +
            'createdAt = if_not_exists(createdAt, :at) ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR (#status <> :sent AND (#status <> :sending OR leaseUntil < :now))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: toItem({
            ':entity': 'message',
            ':dedupeKey': claim.dedupeKey,
            ':contactId': claim.contactId,
            ':channel': claim.channel,
            ':category': claim.category,
            ':audience': claim.audience,
            ':campaignId': claim.campaignId ?? null,
            ':sending': 'sending',
            ':sent': 'sent',
            ':leaseUntil': nowSeconds + leaseSeconds,
            ':now': nowSeconds,
            ':at': claim.at,
            ':one': 1,
          }),
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }),
      );
      return unmarshall(existing.Item ?? {}).status === 'sent' ? 'already_sent' : 'in_flight';
    }
  }

  async markSent(claim: SendClaim, providerMessageId: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.message(claim.contactId, claim.dedupeKey)),
        UpdateExpression: 'SET #status = :sent, providerMessageId = :id, sentAt = :at, updatedAt = :at REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall({ ':sent': 'sent', ':id': providerMessageId, ':at': at }),
      }),
    );
  }

  async markFailed(claim: SendClaim, reason: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.message(claim.contactId, claim.dedupeKey)),
        UpdateExpression: 'SET #status = :failed, lastError = :reason, updatedAt = :at REMOVE leaseUntil',
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall({ ':failed': 'failed', ':sending': 'sending', ':reason': reason, ':at': at }),
      }),
    );
  }

  async markSkipped(claim: SendClaim, status: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem({
            ...keys.message(claim.contactId, claim.dedupeKey),
            entity: 'message',
            ...claim,
            status,
            createdAt: claim.at,
            updatedAt: at,
          }),
          // A skip never overwrites a message that went out or is going out, nor the same skip.
          ConditionExpression: 'attribute_not_exists(pk) OR NOT (#status IN (:sent, :sending, :same))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':sent': 'sent', ':sending': 'sending', ':same': status }),
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return false;
    }
  }
}
