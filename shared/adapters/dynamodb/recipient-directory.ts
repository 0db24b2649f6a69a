import { BatchGetItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { addressKey } from '../../domain/address-key.js';
import { CHANNELS, TOPICS } from '../../domain/consent.js';
import type { Channel, Preferences } from '../../domain/consent.js';
import type { AddressStatus, Recipient, RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { dynamoDbClient } from './client.js';
import { keys, preferenceAttribute } from './keys.js';

/** Turns the preference attributes of a contact item into Preferences. */
export function preferencesOf(item: Record<string, unknown>): Preferences {
  const preferences: Preferences = {};
  for (const channel of CHANNELS) {
    for (const topic of TOPICS) {
      const value = item[preferenceAttribute(channel, topic)];
      if (typeof value === 'boolean') preferences[`${channel}:${topic}`] = value;
    }
  }
  return preferences;
}

/** Reads recipients and suppressions from the table, with strongly consistent reads. */
export class DynamoDbRecipientDirectory implements RecipientDirectory {
  constructor(
    private readonly tableName: string,
    private readonly secrets: SecretsSource,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async getRecipient(contactId: string): Promise<Recipient | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(keys.contact(contactId)), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const item = unmarshall(result.Item);
    const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
    const recipient: Recipient = { contactId, preferences: preferencesOf(item) };
    const name = text('name');
    const email = text('email');
    const phone = text('phone');
    const timeZone = text('timeZone');
    if (name) recipient.name = name;
    if (email) recipient.email = email;
    if (phone) recipient.phone = phone;
    if (timeZone) recipient.timeZone = timeZone;
    const createdAt = text('createdAt');
    if (createdAt) recipient.createdAt = createdAt;
    if (item.emailOptOutAll === true) recipient.emailOptOutAll = true;
    return recipient;
  }

  async addressStatus(channel: Channel, address: string): Promise<AddressStatus> {
    const { addressSalt } = await this.secrets.getSecrets();
    const key = addressKey(addressSalt, channel, address);
    const wanted = [keys.suppression(channel, key), ...(channel === 'sms' ? [keys.smsStop(key)] : [])];
    const result = await this.client.send(
      new BatchGetItemCommand({
        RequestItems: { [this.tableName]: { Keys: wanted.map((item) => marshall(item)), ConsistentRead: true } },
      }),
    );
    const found = new Map(
      (result.Responses?.[this.tableName] ?? []).map((item) => [unmarshall(item).pk as string, unmarshall(item)]),
    );
    const suppression = found.get(keys.suppression(channel, key).pk);
    return {
      suppressed: suppression !== undefined,
      stopped: found.has(keys.smsStop(key).pk),
      ...(suppression?.reason === 'erasure' && typeof suppression.at === 'string' ? { erasedAt: suppression.at } : {}),
    };
  }
}
