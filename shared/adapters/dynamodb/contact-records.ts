import {
  BatchGetItemCommand,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { addressKey } from '../../domain/address-key.js';
import { TOPICS } from '../../domain/consent.js';
import type { Channel, ConsentEvent, ConsentState } from '../../domain/consent.js';
import { AddressTakenError, ContactChangedError } from '../../ports/contact-records.js';
import type {
  ContactCorrection,
  ContactFile,
  ContactPage,
  ContactProfile,
  ContactRecords,
  InquiryEntry,
  MessageEntry,
  SupportRequestEntry,
} from '../../ports/contact-records.js';
import type { AddressStatus } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SubmittedDetails } from '../../ports/staff-reads.js';
import { auditEntryPut } from './audit-log.js';
import { dynamoDbClient } from './client.js';
import { consentEventPut } from './consent-items.js';
import { readContactPartition } from './contact-partition.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { DISCLOSURE_PREFIX, keys, preferenceAttribute } from './keys.js';
import { preferencesOf } from './recipient-directory.js';

type Item = Record<string, unknown>;

const text = (item: Item, name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);

/** Copies the named string attributes that are present. */
function strings<K extends string>(item: Item, names: readonly K[]): Partial<Record<K, string>> {
  const picked: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = text(item, name);
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

function profileOf(item: Item): ContactProfile {
  return {
    contactId: String(item.contactId ?? String(item.pk).slice('CONTACT#'.length)),
    ...strings(item, ['name', 'email', 'phone', 'companyName', 'dealershipType', 'createdAt', 'updatedAt']),
  };
}

function consentOf(item: Item): ConsentState {
  return { preferences: preferencesOf(item), emailOptOutAll: item.emailOptOutAll === true };
}

function submittedOf(value: unknown): SubmittedDetails {
  return strings((value ?? {}) as Item, ['name', 'email', 'phone', 'companyName', 'dealershipType']);
}

function inquiryOf(item: Item): InquiryEntry {
  const visit = (item.visit ?? {}) as Item;
  return {
    inquiryId: String(item.inquiryId),
    topic: item.topic as InquiryEntry['topic'],
    ...strings(item, ['message', 'pageUrl']),
    submitted: submittedOf(item.submitted),
    visit: {
      receivedAt: text(visit, 'receivedAt') ?? '',
      ...strings(visit, ['ip', 'browser', 'browserVersion', 'os', 'language', 'userAgent']),
    },
  };
}

/** A support request, read generically: another capability writes it; only these fields are taken. */
function supportRequestOf(item: Item): SupportRequestEntry {
  const flags =
    Array.isArray(item.flags) || item.flags instanceof Set ? [...(item.flags as Iterable<unknown>)].map(String) : undefined;
  const submitted = submittedOf(item.submitted);
  return {
    ticketId: String(item.ticketId ?? String(item.sk).slice('SUPPORT#'.length)),
    ...strings(item, ['subject', 'message', 'receivedAt', 'status']),
    submitted: strings(submitted as Item, ['name', 'email', 'phone']),
    ...(flags ? { flags } : {}),
  };
}

function messageOf(item: Item): MessageEntry {
  return strings(item, ['channel', 'category', 'audience', 'campaignId', 'status', 'providerMessageId', 'createdAt', 'sentAt']);
}

function ledgerOf(item: Item): ConsentEvent {
  const { pk: _pk, sk: _sk, entity: _entity, contactId: _contactId, ...event } = item;
  if (event.topics instanceof Set) event.topics = [...event.topics];
  return event as unknown as ConsentEvent;
}

const CONTACTS_CURSOR = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

/** Contacts for the admin API: lookups by salted address key, the contacts index on gsi1, one partition whole. */
export class DynamoDbContactRecords implements ContactRecords {
  constructor(
    private readonly tableName: string,
    private readonly secrets: SecretsSource,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  private async item(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }),
    );
    return result.Item ? unmarshall(result.Item) : undefined;
  }

  async findByAddress(channel: Channel, address: string): Promise<ContactProfile | undefined> {
    const { addressSalt } = await this.secrets.getSecrets();
    const lookup = await this.item(keys.contactLookup(channel, addressKey(addressSalt, channel, address)));
    const contactId = lookup ? text(lookup, 'contactId') : undefined;
    if (!contactId) return undefined;
    const contact = await this.item(keys.contact(contactId));
    return contact ? profileOf(contact) : undefined;
  }

  async page(limit: number, cursor?: string): Promise<ContactPage> {
    const startKey = decodeCursor(
      cursor,
      (key) => key.gsi1pk === 'CONTACTS' && key.sk === 'PROFILE' && key.pk?.startsWith('CONTACT#') === true,
      CONTACTS_CURSOR,
    );
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :contacts',
        ExpressionAttributeValues: marshall({ ':contacts': 'CONTACTS' }),
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const next = encodeCursor(page.LastEvaluatedKey);
    return { contacts: (page.Items ?? []).map((item) => profileOf(unmarshall(item))), ...(next ? { cursor: next } : {}) };
  }

  async profile(contactId: string): Promise<(ContactProfile & { consent: ConsentState }) | undefined> {
    const item = await this.item(keys.contact(contactId));
    return item ? { ...profileOf(item), consent: consentOf(item) } : undefined;
  }

  async file(contactId: string): Promise<ContactFile | undefined> {
    const items = (await readContactPartition(this.client, this.tableName, contactId)) as Item[];
    const contact = items.find((item) => item.sk === 'PROFILE');
    if (!contact) return undefined;
    const profile = profileOf(contact);
    const withPrefix = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
    return {
      profile,
      consent: consentOf(contact),
      addressStatus: await this.addressStatus(profile),
      ledger: withPrefix('CONSENT#').map(ledgerOf),
      inquiries: withPrefix('INQUIRY#').map(inquiryOf),
      supportRequests: withPrefix('SUPPORT#').map(supportRequestOf),
      messages: withPrefix('MESSAGE#').map(messageOf),
      disclosures: withPrefix(DISCLOSURE_PREFIX).map((item) => ({ recipientId: String(item.recipientId), at: String(item.at) })),
    };
  }

  /** Suppression and STOP of the profile's addresses, in one batch read. */
  private async addressStatus(profile: ContactProfile): Promise<Partial<Record<Channel, AddressStatus>>> {
    if (!profile.email && !profile.phone) return {};
    const { addressSalt } = await this.secrets.getSecrets();
    const emailKey = profile.email ? addressKey(addressSalt, 'email', profile.email) : undefined;
    const phoneKey = profile.phone ? addressKey(addressSalt, 'sms', profile.phone) : undefined;
    const wanted = [
      ...(emailKey ? [keys.suppression('email', emailKey)] : []),
      ...(phoneKey ? [keys.suppression('sms', phoneKey), keys.smsStop(phoneKey)] : []),
    ];
    const result = await this.client.send(
      new BatchGetItemCommand({
        RequestItems: { [this.tableName]: { Keys: wanted.map((key) => marshall(key)), ConsistentRead: true } },
      }),
    );
    const found = new Set((result.Responses?.[this.tableName] ?? []).map((item) => String(unmarshall(item).pk)));
    return {
      ...(emailKey ? { email: { suppressed: found.has(keys.suppression('email', emailKey).pk), stopped: false } } : {}),
      ...(phoneKey
        ? { sms: { suppressed: found.has(keys.suppression('sms', phoneKey).pk), stopped: found.has(keys.smsStop(phoneKey).pk) } }
        : {}),
    };
  }

  async correct(correction: ContactCorrection): Promise<void> {
    const { contactId, set, moves } = correction;
    const { addressSalt } = await this.secrets.getSecrets();
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':at': correction.audit.at };
    const sets = ['#updatedAt = :at'];
    const conditions = ['attribute_exists(pk)'];
    for (const [field, value] of Object.entries(set)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    for (const move of moves) {
      // The write holds only while the address it moves is still the one read.
      const field = move.channel === 'email' ? 'email' : 'phone';
      names[`#${field}`] = field;
      // When the address was set: an untagged link issued before it was sent to the one it replaces.
      names[`#${field}SetAt`] = `${field}SetAt`;
      sets.push(`#${field}SetAt = :at`);
      if (move.from === undefined) conditions.push(`attribute_not_exists(#${field})`);
      else {
        values[`:before_${field}`] = move.from;
        conditions.push(`#${field} = :before_${field}`);
      }
      for (const topic of TOPICS) {
        const value = correction.next.preferences[`${move.channel}:${topic}`];
        if (value === undefined) continue;
        const attribute = preferenceAttribute(move.channel, topic);
        names[`#${attribute}`] = attribute;
        values[`:${attribute}`] = value;
        sets.push(`#${attribute} = :${attribute}`);
      }
    }
    const items: TransactWriteItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: marshall(keys.contact(contactId)),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
        },
      },
    ];
    const claimIndex = new Map<number, Channel>();
    for (const move of moves) {
      claimIndex.set(items.length, move.channel);
      items.push({
        Put: {
          TableName: this.tableName,
          Item: marshall({
            ...keys.contactLookup(move.channel, addressKey(addressSalt, move.channel, move.to)),
            entity: 'lookup',
            contactId,
          }),
          ConditionExpression: 'attribute_not_exists(pk) OR contactId = :me',
          ExpressionAttributeValues: marshall({ ':me': contactId }),
        },
      });
      if (move.from !== undefined)
        items.push({
          Delete: {
            TableName: this.tableName,
            Key: marshall(keys.contactLookup(move.channel, addressKey(addressSalt, move.channel, move.from))),
            // Only this contact's own lookup is released.
            ConditionExpression: 'attribute_not_exists(pk) OR contactId = :me',
            ExpressionAttributeValues: marshall({ ':me': contactId }),
          },
        });
      // A confirmation pending for the old address must not turn into consent of the new one.
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: marshall(move.channel === 'email' ? keys.subscription(contactId) : keys.smsPending(contactId)),
        },
      });
    }
    items.push(...correction.withdrawals.map((event) => consentEventPut(this.tableName, contactId, event)));
    items.push(auditEntryPut(this.tableName, correction.audit));
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const taken = [...claimIndex].find(([index]) => reasons[index]?.Code === 'ConditionalCheckFailed');
      if (taken) throw new AddressTakenError(taken[1]);
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) throw new ContactChangedError();
      throw error;
    }
  }
}
