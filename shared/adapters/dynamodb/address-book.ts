import { BatchGetItemCommand, DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AddressBook, AddressHolders, ContactKeys } from '../../ports/address-book.js';
import { dynamoDbClient } from './client.js';
import { isConditionFailed } from './conditions.js';
import type { CapacityListener } from './inquiry-store.js';
import { keys } from './keys.js';

/** The address lookups and STOP markers in the table; their keys hold salted hashes, never an address. */
export class DynamoDbAddressBook implements AddressBook {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
    private readonly onCapacity?: CapacityListener,
  ) {}

  async holders(contactKeys: ContactKeys): Promise<AddressHolders> {
    const lookups = [
      contactKeys.emailKey ? keys.contactLookup('email', contactKeys.emailKey) : undefined,
      contactKeys.phoneKey ? keys.contactLookup('sms', contactKeys.phoneKey) : undefined,
    ];
    const wanted = lookups.filter((key) => key !== undefined);
    if (wanted.length === 0) return {};
    const result = await this.client.send(
      new BatchGetItemCommand({
        RequestItems: { [this.tableName]: { Keys: wanted.map((key) => marshall(key)), ConsistentRead: true } },
      }),
    );
    const found = new Map(
      (result.Responses?.[this.tableName] ?? []).map((item) => {
        const lookup = unmarshall(item) as { pk: string; contactId: string };
        return [lookup.pk, lookup.contactId] as const;
      }),
    );
    const byEmail = lookups[0] ? found.get(lookups[0].pk) : undefined;
    const byPhone = lookups[1] ? found.get(lookups[1].pk) : undefined;
    return { ...(byEmail ? { byEmail } : {}), ...(byPhone ? { byPhone } : {}) };
  }

  async claim(contactKeys: ContactKeys, contactId: string): Promise<AddressHolders> {
    const claimOne = async (key: { pk: string; sk: string }): Promise<string> => {
      const result = await this.client
        .send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: marshall({ ...key, entity: 'lookup', contactId }),
            ConditionExpression: 'attribute_not_exists(pk)',
            // The winner of a race comes back in the same call.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ...(this.onCapacity ? { ReturnConsumedCapacity: 'TOTAL' } : {}),
          }),
        )
        .then((result) => {
          this.onCapacity?.(result.ConsumedCapacity?.CapacityUnits ?? 0);
          return undefined;
        })
        .catch((error: unknown) => {
          if (!isConditionFailed(error)) throw error;
          // A failed conditional write of a lookup item still consumes one write unit.
          this.onCapacity?.(1);
          return error.Item ? (unmarshall(error.Item) as { contactId: string }).contactId : undefined;
        });
      return result ?? contactId;
    };
    const [byEmail, byPhone] = await Promise.all([
      contactKeys.emailKey ? claimOne(keys.contactLookup('email', contactKeys.emailKey)) : undefined,
      contactKeys.phoneKey ? claimOne(keys.contactLookup('sms', contactKeys.phoneKey)) : undefined,
    ]);
    return { ...(byEmail ? { byEmail } : {}), ...(byPhone ? { byPhone } : {}) };
  }

  async markStopped(phoneKey: string, at: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: marshall({ ...keys.smsStop(phoneKey), entity: 'sms_stop', at }) }),
    );
  }

  async clearStopped(phoneKey: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(keys.smsStop(phoneKey)) }));
  }

  async isStopped(phoneKey: string): Promise<boolean> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(keys.smsStop(phoneKey)), ConsistentRead: true }),
    );
    return result.Item !== undefined;
  }
}
