import {
  ConditionalCheckFailedException,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ClaimResult, ProviderSendOutcome, SendClaim, SendLedger, SendRef } from '../../ports/send-ledger.js';
import { dynamoDbClient } from './client.js';
import { isConditionFailed } from './conditions.js';
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
            'audience = :audience, campaignId = :campaignId, recipientId = :recipientId, #status = :sending, leaseUntil = :leaseUntil, updatedAt = :at, ' +
            'createdAt = if_not_exists(createdAt, :at) ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR (#status <> :sent AND (#status <> :sending OR leaseUntil < :now))',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: toItem({
            ':entity': 'message',
            ':dedupeKey': claim.dedupeKey,
            ':contactId': claim.contactId,
            ':channel': claim.channel,
            ':category': claim.category,
            ':audience': claim.audience,
            ':campaignId': claim.campaignId ?? null,
            ':recipientId': claim.recipientId ?? null,
            ':sending': 'sending',
            ':sent': 'sent',
            ':leaseUntil': nowSeconds + leaseSeconds,
            ':now': nowSeconds,
            ':at': claim.at,
            ':one': 1,
          }),
        }),
      );
      return { state: 'claimed' };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const existing = unmarshall(error.Item ?? {});
      return existing.status === 'sent'
        ? { state: 'already_sent', counted: existing.counted === true }
        : { state: 'in_flight', leaseUntil: Number(existing.leaseUntil ?? 0) };
    }
  }

  /** The upsert, under the contact, of the record that a send disclosed its data to a registered recipient; it keeps the first time. */
  private disclosureUpdate(contactId: string, dedupeKey: string, recipientId: string, at: string) {
    return {
      TableName: this.tableName,
      Key: marshall(keys.disclosure(contactId, recipientId, dedupeKey)),
      UpdateExpression:
        'SET entity = :entity, contactId = :contactId, recipientId = :recipientId, dedupeKey = :dedupeKey, #at = if_not_exists(#at, :at)',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: marshall({
        ':entity': 'disclosure',
        ':contactId': contactId,
        ':recipientId': recipientId,
        ':dedupeKey': dedupeKey,
        ':at': at,
      }),
    };
  }

  /**
   * Records, under the contact, that a send disclosed its data to a registered recipient: an
   * upsert keyed by the send that keeps the first time, written with the "sent" mark and again
   * from the provider's own record, so a crash between the provider's acceptance and either
   * write still leaves exactly one record.
   */
  private async recordDisclosure(contactId: string, dedupeKey: string, recipientId: string, at: string): Promise<void> {
    await this.client.send(new UpdateItemCommand(this.disclosureUpdate(contactId, dedupeKey, recipientId, at)));
  }

  /** The "sent" mark of a message: `counted` tells a later mark that this send was counted already. */
  private sentUpdate(claim: SendClaim, providerMessageId: string | undefined, at: string) {
    return {
      TableName: this.tableName,
      Key: marshall(keys.message(claim.contactId, claim.dedupeKey)),
      UpdateExpression:
        'SET #status = :sent, sentAt = if_not_exists(sentAt, :at), updatedAt = :at, counted = :true' +
        (providerMessageId ? ', providerMessageId = :id' : '') +
        ' REMOVE leaseUntil',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: toItem({ ':sent': 'sent', ':id': providerMessageId, ':at': at, ':true': true }),
    };
  }

  async markSent(claim: SendClaim, providerMessageId: string | undefined, at: string): Promise<boolean> {
    if (claim.recipientId) return this.markDisclosedSent(claim, claim.recipientId, providerMessageId, at);
    const result = await this.client.send(
      new UpdateItemCommand({ ...this.sentUpdate(claim, providerMessageId, at), ReturnValues: 'UPDATED_OLD' }),
    );
    return unmarshall(result.Attributes ?? {}).counted !== true;
  }

  /**
   * A send to a registered recipient: its disclosure record and its "sent" mark in one
   * transaction, one round trip. The mark is conditional on the send not being counted yet; when
   * it was (a retry after the first mark), nothing is written and the call says so. A counted send
   * has its disclosure already: the mark that counted it wrote it in the same transaction.
   */
  private async markDisclosedSent(
    claim: SendClaim,
    recipientId: string,
    providerMessageId: string | undefined,
    at: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Update: this.disclosureUpdate(claim.contactId, claim.dedupeKey, recipientId, at) },
            {
              Update: {
                ...this.sentUpdate(claim, providerMessageId, at),
                ConditionExpression: 'attribute_not_exists(counted)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed')
        return false;
      throw error;
    }
  }

  async recordProviderSend(ref: SendRef, providerMessageId: string, at: string): Promise<ProviderSendOutcome> {
    try {
      const updated = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.message(ref.contactId, ref.dedupeKey)),
          // Whatever the record says (sending, failed after a timeout, a skip), the provider sent it.
          UpdateExpression:
            'SET #status = :sent, providerMessageId = :id, sentAt = if_not_exists(sentAt, :at), updatedAt = :at, ' +
            'confirmedBy = :provider REMOVE leaseUntil',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :sent',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':sent': 'sent', ':id': providerMessageId, ':at': at, ':provider': 'provider' }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnValues: 'ALL_NEW',
        }),
      );
      const recipientId = unmarshall(updated.Attributes ?? {}).recipientId;
      if (typeof recipientId === 'string') await this.recordDisclosure(ref.contactId, ref.dedupeKey, recipientId, at);
      return 'recorded';
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      if (!error.Item) return 'unknown';
      const existing = unmarshall(error.Item);
      // Sent already: its disclosure record may be missing if the sender died between the two writes.
      if (existing.status === 'sent' && typeof existing.recipientId === 'string')
        await this.recordDisclosure(ref.contactId, ref.dedupeKey, existing.recipientId, at);
      return existing.providerMessageId === undefined || existing.providerMessageId === providerMessageId
        ? 'already_recorded'
        : 'duplicate';
    }
  }

  async markFailed(claim: SendClaim, reason: string, at: string): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.message(claim.contactId, claim.dedupeKey)),
          UpdateExpression: 'SET #status = :failed, lastError = :reason, updatedAt = :at REMOVE leaseUntil',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':failed': 'failed', ':sending': 'sending', ':reason': reason, ':at': at }),
        }),
      )
      // The provider's record may have marked it sent meanwhile: sent stays sent.
      .catch((error: unknown) => {
        if (!isConditionFailed(error)) throw error;
      });
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
