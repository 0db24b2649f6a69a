import {
  DeleteItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SendLimits } from '../../ports/send-limits.js';
import { dynamoDbClient } from './client.js';
import { isConditionFailed } from './conditions.js';
import { keys } from './keys.js';

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** Send caps as conditional updates on small items that TTL removes once their window has passed. */
export class DynamoDbSendLimits implements SendLimits {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  private async update(input: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName'>): Promise<boolean> {
    try {
      await this.client.send(new UpdateItemCommand({ TableName: this.tableName, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  private onlyUpdate(name: string, dedupeKey: string, windowSeconds: number, at: Date) {
    const now = seconds(at);
    return {
      Key: marshall(keys.sendLimit(name)),
      UpdateExpression: 'SET lastAt = :now, lastKey = :key, expiresAt = :expiresAt, entity = :entity',
      ConditionExpression: 'attribute_not_exists(lastAt) OR lastAt <= :windowStart OR lastKey = :key',
      ExpressionAttributeValues: marshall({
        ':now': now,
        ':key': dedupeKey,
        ':windowStart': now - windowSeconds,
        ':expiresAt': now + windowSeconds,
        ':entity': 'send_limit',
      }),
    };
  }

  private slotUpdate(name: string, dedupeKey: string, limit: number, windowSeconds: number, at: Date) {
    const window = Math.floor(seconds(at) / windowSeconds);
    return {
      Key: marshall(keys.sendLimit(`${name}#${window}`)),
      UpdateExpression: 'ADD sends :sends SET expiresAt = :expiresAt, entity = :entity',
      ConditionExpression: 'attribute_not_exists(sends) OR size(sends) < :limit OR contains(sends, :key)',
      ExpressionAttributeValues: marshall({
        ':sends': new Set([dedupeKey]),
        ':key': dedupeKey,
        ':limit': limit,
        ':expiresAt': (window + 1) * windowSeconds,
        ':entity': 'send_limit',
      }),
    };
  }

  takeOnly(name: string, dedupeKey: string, windowSeconds: number, at: Date): Promise<boolean> {
    return this.update(this.onlyUpdate(name, dedupeKey, windowSeconds, at));
  }

  async takeSlotAndOnly(
    slot: { name: string; limit: number; windowSeconds: number },
    only: { name: string; windowSeconds: number },
    dedupeKey: string,
    at: Date,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: { TableName: this.tableName, ...this.slotUpdate(slot.name, dedupeKey, slot.limit, slot.windowSeconds, at) },
            },
            { Update: { TableName: this.tableName, ...this.onlyUpdate(only.name, dedupeKey, only.windowSeconds, at) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')
      )
        return false;
      throw error;
    }
  }

  async releaseOnly(name: string, dedupeKey: string): Promise<void> {
    await this.client
      .send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.sendLimit(name)),
          ConditionExpression: 'lastKey = :key',
          ExpressionAttributeValues: marshall({ ':key': dedupeKey }),
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailed(error)) throw error;
      });
  }

  takeSlot(name: string, dedupeKey: string, limit: number, windowSeconds: number, at: Date): Promise<boolean> {
    return this.update(this.slotUpdate(name, dedupeKey, limit, windowSeconds, at));
  }

  takeBudget(name: string, limit: number, windowSeconds: number, at: Date): Promise<boolean> {
    const window = Math.floor(seconds(at) / windowSeconds);
    return this.update({
      Key: marshall(keys.sendLimit(`${name}#${window}`)),
      UpdateExpression: 'ADD used :one SET expiresAt = :expiresAt, entity = :entity',
      ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
      ExpressionAttributeValues: marshall({
        ':one': 1,
        ':limit': limit,
        ':expiresAt': (window + 1) * windowSeconds,
        ':entity': 'send_limit',
      }),
    });
  }
}
