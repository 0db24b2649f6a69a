import { TransactWriteItemsCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { CHANNELS, TOPICS } from '../../domain/consent.js';
import type { ConsentEvent, ConsentState } from '../../domain/consent.js';
import { ContactNotFoundError } from '../../ports/consent-store.js';
import type { ConsentStore } from '../../ports/consent-store.js';
import { dynamoDbClient } from './client.js';
import { consentEventPut } from './consent-items.js';
import { keys, preferenceAttribute } from './keys.js';

/** Consent changes in DynamoDB: the contact's preference attributes and the ledger, atomically. */
export class DynamoDbConsentStore implements ConsentStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async recordConsent(contactId: string, events: readonly ConsentEvent[], next: ConsentState): Promise<void> {
    if (events.length === 0) return;
    const names: Record<string, string> = { '#optOutAll': 'emailOptOutAll', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':optOutAll': next.emailOptOutAll, ':at': events[0]?.at };
    const sets = ['#optOutAll = :optOutAll', '#updatedAt = :at'];
    for (const channel of CHANNELS) {
      for (const topic of TOPICS) {
        const value = next.preferences[`${channel}:${topic}`];
        if (value === undefined) continue;
        const attribute = preferenceAttribute(channel, topic);
        names[`#${attribute}`] = attribute;
        values[`:${attribute}`] = value;
        sets.push(`#${attribute} = :${attribute}`);
      }
    }
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: marshall(keys.contact(contactId)),
                // A grant keeps the contact: an unconfirmed sign-up's expiry ends with it (minimisation).
                UpdateExpression: `SET ${sets.join(', ')}${events.some((event) => event.action === 'grant') ? ' REMOVE expiresAt' : ''}`,
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: marshall(values),
              },
            },
            ...events.map((event) => consentEventPut(this.tableName, contactId, event)),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        throw new ContactNotFoundError();
      }
      throw error;
    }
  }
}
