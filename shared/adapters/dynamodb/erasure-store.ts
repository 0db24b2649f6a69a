import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Channel } from '../../domain/consent.js';
import type { ErasureStore, PartitionItem } from '../../ports/erasure-store.js';
import { dynamoDbClient } from './client.js';
import { isConditionFailed } from './conditions.js';
import { readContactPartition } from './contact-partition.js';
import { keys } from './keys.js';

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true, convertEmptyValues: false });

/** A contact's partition and address lookups, as the erasure reads and writes them. */
export class DynamoDbErasureStore implements ErasureStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async partition(contactId: string): Promise<PartitionItem[]> {
    return (await readContactPartition(this.client, this.tableName, contactId)) as PartitionItem[];
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
