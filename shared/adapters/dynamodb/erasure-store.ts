import { DeleteItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Channel } from '../../domain/consent.js';
import type { ErasureStore, PartitionItem } from '../../ports/erasure-store.js';
import { dynamoDbClient } from './client.js';
import { isConditionFailed } from './conditions.js';
import { keys } from './keys.js';

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true, convertEmptyValues: false });

/** A contact's partition and address lookups, as the erasure reads and writes them. */
export class DynamoDbErasureStore implements ErasureStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async partition(contactId: string): Promise<PartitionItem[]> {
    const items: PartitionItem[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': keys.contact(contactId).pk }),
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => unmarshall(item) as PartitionItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async put(contactId: string, item: PartitionItem): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: toItem({ ...item, pk: keys.contact(contactId).pk, sk: item.sk }) }),
    );
  }

  async delete(contactId: string, sk: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: marshall({ pk: keys.contact(contactId).pk, sk }) }),
    );
  }

  async removeAttributes(contactId: string, sk: string, attributes: readonly string[]): Promise<void> {
    if (attributes.length === 0) return;
    const names = Object.fromEntries(attributes.map((name, index) => [`#a${index}`, name]));
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: keys.contact(contactId).pk, sk }),
          UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailed(error)) throw error;
      });
  }

  async deleteLookup(channel: Channel, addressKey: string, contactId: string): Promise<void> {
    await this.client
      .send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.contactLookup(channel, addressKey)),
          // Another contact may hold the address by now (it asked again): its lookup stays.
          ConditionExpression: 'contactId = :contactId',
          ExpressionAttributeValues: marshall({ ':contactId': contactId }),
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailed(error)) throw error;
      });
  }
}
