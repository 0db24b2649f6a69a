import { BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { shardOf } from '../../domain/campaigns/audience.js';
import type { AudienceKey } from '../../domain/campaigns/audience.js';
import type { AudienceIndex } from '../../ports/audience-index.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

const BATCH_WRITE_LIMIT = 25;

/**
 * Audience memberships as items of their own: one partition per audience and shard, one item per
 * member, holding nothing but the contact id. Reading an audience never touches other items.
 */
export class DynamoDbAudienceIndex implements AudienceIndex {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async update(contactId: string, added: readonly AudienceKey[], removed: readonly AudienceKey[]): Promise<void> {
    const shard = shardOf(contactId);
    const requests: WriteRequest[] = [
      ...added.map((audience) => ({
        PutRequest: { Item: marshall({ ...keys.audienceMember(audience, shard, contactId), entity: 'audience_member' }) },
      })),
      ...removed.map((audience) => ({ DeleteRequest: { Key: marshall(keys.audienceMember(audience, shard, contactId)) } })),
    ];
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
      let pending = requests.slice(start, start + BATCH_WRITE_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 8) throw new Error('Audience writes stayed unprocessed');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
        const result = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = result.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  async *members(audience: AudienceKey, shard: number): AsyncIterable<string[]> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': keys.audiencePartition(audience, shard) }),
          ProjectionExpression: 'sk',
          ExclusiveStartKey: startKey,
        }),
      );
      yield (page.Items ?? []).map((item) => item.sk?.S ?? '').filter(Boolean);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
