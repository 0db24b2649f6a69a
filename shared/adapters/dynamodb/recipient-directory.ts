import { BatchGetItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { addressKey } from '../../domain/address-key.js';
import { CHANNELS, TOPICS } from '../../domain/consent.js';
import type { Channel, Preferences } from '../../domain/consent.js';
import type { AddressStatus, Recipient, RecipientDirectory, RecipientForSend } from '../../ports/recipient-directory.js';
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

/** A contact item as the gate reads it. */
function recipientOf(contactId: string, item: Record<string, unknown>): Recipient {
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
  const emailSetAt = text('emailSetAt');
  if (emailSetAt) recipient.emailSetAt = emailSetAt;
  const phoneSetAt = text('phoneSetAt');
  if (phoneSetAt) recipient.phoneSetAt = phoneSetAt;
  if (item.emailOptOutAll === true) recipient.emailOptOutAll = true;
  return recipient;
}

/** A BatchGetItem's retries of unprocessed keys (DynamoDB returns some under load). */
const BATCH_GET_ATTEMPTS = 5;

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
    return result.Item ? recipientOf(contactId, unmarshall(result.Item)) : undefined;
  }

  async addressStatus(channel: Channel, address: string): Promise<AddressStatus> {
    const { addressSalt } = await this.secrets.getSecrets();
    const key = addressKey(addressSalt, channel, address);
    const found = await this.readAll(this.statusKeys(channel, key));
    return this.statusOf(channel, key, found);
  }

  async recipientForSend(contactId: string, channel: Channel, expectedAddress?: string): Promise<RecipientForSend> {
    if (expectedAddress === undefined) {
      const recipient = await this.getRecipient(contactId);
      return recipient ? { recipient } : {};
    }
    const { addressSalt } = await this.secrets.getSecrets();
    const expectedKey = addressKey(addressSalt, channel, expectedAddress);
    const contactKey = keys.contact(contactId);
    const found = await this.readAll([contactKey, ...this.statusKeys(channel, expectedKey)]);
    const item = found.get(contactKey.pk);
    if (!item) return {};
    const recipient = recipientOf(contactId, item);
    const held = channel === 'email' ? recipient.email : recipient.phone;
    // The status read is the expected address's: it stands only for the address the contact holds.
    if (held === undefined || addressKey(addressSalt, channel, held) !== expectedKey) return { recipient };
    return { recipient, status: this.statusOf(channel, expectedKey, found) };
  }

  private statusKeys(channel: Channel, key: string): { pk: string; sk: string }[] {
    return [keys.suppression(channel, key), ...(channel === 'sms' ? [keys.smsStop(key)] : [])];
  }

  private statusOf(channel: Channel, key: string, found: Map<string, Record<string, unknown>>): AddressStatus {
    const suppression = found.get(keys.suppression(channel, key).pk);
    return {
      suppressed: suppression !== undefined,
      stopped: found.has(keys.smsStop(key).pk),
      // An erasure's tombstone gives way once the address asks again (a contact created after it).
      ...(suppression?.reason === 'erasure' && typeof suppression.at === 'string' ? { erasedAt: suppression.at } : {}),
    };
  }

  /** The items of these keys (each with its own pk) by pk, unprocessed keys read again: a missing item must mean absent. */
  private async readAll(wanted: { pk: string; sk: string }[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let pending = wanted.map((key) => marshall(key));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > BATCH_GET_ATTEMPTS) throw new Error('DynamoDB left keys unprocessed after retries');
      const result = await this.client.send(
        new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const value = unmarshall(item);
        found.set(value.pk as string, value);
      }
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
    return found;
  }
}
