import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ConsentEvent } from '../../domain/consent.js';
import { keys } from './keys.js';

/** The append-only ledger record of one consent event: a put that never overwrites. */
export function consentEventPut(tableName: string, contactId: string, event: ConsentEvent): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: marshall(
        { ...keys.consent(contactId, event.at, event.channel, event.action), entity: 'consent', contactId, ...event },
        { removeUndefinedValues: true },
      ),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
