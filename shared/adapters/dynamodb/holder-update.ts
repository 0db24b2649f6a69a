import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys } from './keys.js';

/** What a form writes onto one contact that holds an address it names. */
export interface HolderFill {
  holderId: string;
  /** When the form was received: the contact's creation time if it is new. */
  at: string;
  /** Profile fields filled only where the contact has none (a form never rewrites, SPEC §2). */
  fillIfMissing: Record<string, string | undefined>;
  /** Attributes the form sets outright (the preferences its consent events change). */
  set?: Record<string, unknown>;
}

/**
 * The update of one contact that holds an address a form (inquiry, support request) names: it
 * fills only what is missing, puts the contact on the staff contacts index, and ends the expiry
 * of a contact that until now only held an unconfirmed sign-up (SPEC §2, minimisation).
 */
export function holderUpdate(tableName: string, fill: HolderFill): TransactWriteItem {
  const index = keys.contactsIndex(fill.at, fill.holderId);
  const names: Record<string, string> = {
    '#entity': 'entity',
    '#createdAt': 'createdAt',
    '#contactId': 'contactId',
    '#gsi1pk': 'gsi1pk',
    '#gsi1sk': 'gsi1sk',
    '#expiresAt': 'expiresAt',
  };
  const values: Record<string, unknown> = {
    ':entity': 'contact',
    ':now': fill.at,
    ':id': fill.holderId,
    ':contacts': index.gsi1pk,
    ':contactsSk': index.gsi1sk,
  };
  const sets = [
    '#entity = :entity',
    '#createdAt = if_not_exists(#createdAt, :now)',
    '#contactId = :id',
    '#gsi1pk = :contacts',
    '#gsi1sk = if_not_exists(#gsi1sk, :contactsSk)',
  ];
  Object.entries(fill.fillIfMissing).forEach(([field, value], position) => {
    if (value === undefined) return;
    names[`#f${position}`] = field;
    values[`:f${position}`] = value;
    sets.push(`#f${position} = if_not_exists(#f${position}, :f${position})`);
  });
  Object.entries(fill.set ?? {}).forEach(([attribute, value], position) => {
    names[`#s${position}`] = attribute;
    values[`:s${position}`] = value;
    sets.push(`#s${position} = :s${position}`);
  });
  return {
    Update: {
      TableName: tableName,
      Key: marshall(keys.contact(fill.holderId)),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE #expiresAt`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
    },
  };
}
