import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Channel } from '../../domain/consent.js';
import type { SuppressionReason, SuppressionStore } from '../../ports/suppression-store.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

const DAY_SECONDS = 24 * 3600;

/** Suppressions and soft-bounce counts in the table; neither holds a raw address. */
export class DynamoDbSuppressionStore implements SuppressionStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async suppress(channel: Channel, addressKey: string, reason: SuppressionReason, at: string): Promise<void> {
    // The first bounce or complaint stays; a suppression is never lifted by a later event. An
    // erasure tombstone gives way to a bounce or complaint, and a later erasure renews it (its time
    // tells the gate which contacts came after it: the address asked again).
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ ...keys.suppression(channel, addressKey), entity: 'suppression', channel, reason, at }),
          ConditionExpression: 'attribute_not_exists(pk) OR reason = :erasure',
          ExpressionAttributeValues: marshall({ ':erasure': 'erasure' }),
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
      });
  }

  async recordSoftBounce(addressKey: string, feedbackId: string, at: string, windowDays: number): Promise<number> {
    const key = keys.softBounce(addressKey, at, feedbackId);
    const nowSeconds = Math.floor(Date.parse(at) / 1000);
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...key, entity: 'soft_bounce', at, expiresAt: nowSeconds + windowDays * DAY_SECONDS }),
      }),
    );
    const since = new Date((nowSeconds - windowDays * DAY_SECONDS) * 1000).toISOString();
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk >= :since',
        ExpressionAttributeValues: marshall({ ':pk': key.pk, ':since': since }),
        Select: 'COUNT',
        ConsistentRead: true,
      }),
    );
    return result.Count ?? 0;
  }
}
