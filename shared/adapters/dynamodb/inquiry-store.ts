import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, ReturnConsumedCapacity, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { InquiryRecord } from '../../domain/inquiries/inquiry.js';
import type { ContactKeys, IdempotencyRecord, InquiryStore } from '../../ports/inquiry-store.js';
import { INQUIRY_ENTITY } from '../../table.js';
import { dynamoDbClient } from './client.js';
import { consentEventPut } from './consent-items.js';
import { keys, preferenceAttribute } from './keys.js';

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true });

/** Receives the write units each transaction consumed, for the bench's write-cost figure. */
export type CapacityListener = (writeUnits: number) => void;

/** The contact fields an inquiry may set; absent ones keep their stored value. */
const CONTACT_FIELDS = ['name', 'email', 'phone', 'companyName', 'dealershipType', 'timeZone'] as const;

function contactUpdate(tableName: string, record: InquiryRecord): TransactWriteItem {
  const names: Record<string, string> = { '#entity': 'entity', '#createdAt': 'createdAt', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':entity': 'contact', ':now': record.visit.receivedAt, ':id': record.contactId };
  const sets = ['#entity = :entity', '#createdAt = if_not_exists(#createdAt, :now)', '#updatedAt = :now', 'contactId = :id'];
  for (const field of CONTACT_FIELDS) {
    const value = record.contact[field];
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  for (const event of record.consentEvents) {
    for (const topic of event.topics) {
      const attribute = preferenceAttribute(event.channel, topic);
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = event.action === 'grant';
      sets.push(`#${attribute} = :${attribute}`);
    }
  }
  return {
    Update: {
      TableName: tableName,
      Key: toItem(keys.contact(record.contactId)),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: toItem(values),
    },
  };
}

function inquiryPut(tableName: string, record: InquiryRecord): TransactWriteItem {
  const day = record.visit.receivedAt.slice(0, 10);
  return {
    Put: {
      TableName: tableName,
      Item: toItem({
        ...keys.inquiry(record.contactId, record.inquiryId),
        gsi1pk: keys.inquiriesByDay(day),
        gsi1sk: `${record.visit.receivedAt}#${record.inquiryId}`,
        entity: INQUIRY_ENTITY,
        inquiryId: record.inquiryId,
        contactId: record.contactId,
        ...record.inquiry,
        companyName: record.contact.companyName,
        dealershipType: record.contact.dealershipType,
        visit: record.visit,
        followUps: record.followUps,
        requestHash: record.requestHash,
      }),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function idempotencyRecordOf(item: Partial<IdempotencyRecord>): IdempotencyRecord {
  if (!item.inquiryId || !item.contactId || !item.requestHash) throw new Error('Idempotency record is incomplete');
  return { inquiryId: item.inquiryId, contactId: item.contactId, requestHash: item.requestHash };
}

/** The DynamoDB implementation of inquiry capture storage. */
export class DynamoDbInquiryStore implements InquiryStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
    private readonly onCapacity?: CapacityListener,
  ) {}

  private get returnConsumedCapacity(): ReturnConsumedCapacity | undefined {
    return this.onCapacity ? 'TOTAL' : undefined;
  }

  private reportCapacity(units: { CapacityUnits?: number; WriteCapacityUnits?: number }[] | undefined): void {
    if (!this.onCapacity || !units) return;
    this.onCapacity(units.reduce((sum, unit) => sum + (unit.WriteCapacityUnits ?? unit.CapacityUnits ?? 0), 0));
  }

  async findContactIds(contactKeys: ContactKeys): Promise<{ byEmail?: string; byPhone?: string }> {
    const lookups = [
      contactKeys.emailKey ? keys.contactLookup('email', contactKeys.emailKey) : undefined,
      contactKeys.phoneKey ? keys.contactLookup('sms', contactKeys.phoneKey) : undefined,
    ];
    const wanted = lookups.filter((key) => key !== undefined);
    if (wanted.length === 0) return {};
    const result = await this.client.send(
      new BatchGetItemCommand({
        RequestItems: { [this.tableName]: { Keys: wanted.map((key) => toItem(key)), ConsistentRead: true } },
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

  async reserveContactKeys(contactKeys: ContactKeys, contactId: string): Promise<string> {
    const reserve = async (key: { pk: string; sk: string }): Promise<string> => {
      try {
        const result = await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: toItem({ ...key, entity: 'lookup', contactId }),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnConsumedCapacity: this.returnConsumedCapacity,
          }),
        );
        this.reportCapacity(result.ConsumedCapacity ? [result.ConsumedCapacity] : undefined);
        return contactId;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing = await this.client.send(
          new GetItemCommand({ TableName: this.tableName, Key: toItem(key), ConsistentRead: true }),
        );
        return (unmarshall(existing.Item ?? {}) as { contactId: string }).contactId;
      }
    };
    const byEmail = contactKeys.emailKey ? await reserve(keys.contactLookup('email', contactKeys.emailKey)) : undefined;
    const byPhone = contactKeys.phoneKey ? await reserve(keys.contactLookup('sms', contactKeys.phoneKey)) : undefined;
    return byEmail ?? byPhone ?? contactId;
  }

  async findIdempotencyRecord(keyHash: string): Promise<IdempotencyRecord | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: toItem(keys.idempotency(keyHash)), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const item = unmarshall(result.Item) as Partial<IdempotencyRecord> & { expiresAt?: number };
    if ((item.expiresAt ?? 0) < Math.floor(Date.now() / 1000)) return undefined;
    return idempotencyRecordOf(item);
  }

  async claimIdempotencyKey(
    keyHash: string,
    record: IdempotencyRecord,
    ttlSeconds: number,
  ): Promise<IdempotencyRecord | undefined> {
    const key = keys.idempotency(keyHash);
    const nowSeconds = Math.floor(Date.now() / 1000);
    try {
      const result = await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem({ ...key, entity: 'idempotency', ...record, expiresAt: nowSeconds + ttlSeconds }),
          // TTL deletion lags by up to days, so an expired record counts as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: toItem({ ':now': nowSeconds }),
          ReturnConsumedCapacity: this.returnConsumedCapacity,
        }),
      );
      this.reportCapacity(result.ConsumedCapacity ? [result.ConsumedCapacity] : undefined);
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: toItem(key), ConsistentRead: true }),
      );
      const item = unmarshall(existing.Item ?? {}) as Partial<IdempotencyRecord>;
      if (!item.inquiryId || !item.contactId || !item.requestHash)
        throw new Error('Idempotency record is incomplete', { cause: error });
      return { inquiryId: item.inquiryId, contactId: item.contactId, requestHash: item.requestHash };
    }
  }

  async saveInquiry(record: InquiryRecord): Promise<boolean> {
    try {
      const result = await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            contactUpdate(this.tableName, record),
            inquiryPut(this.tableName, record),
            ...record.consentEvents.map((event) => consentEventPut(this.tableName, record.contactId, event)),
          ],
          ReturnConsumedCapacity: this.returnConsumedCapacity,
        }),
      );
      this.reportCapacity(result.ConsumedCapacity);
      return true;
    } catch (error) {
      // Only the inquiry put (index 1) failing its condition means "already stored".
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') {
        return false;
      }
      throw error;
    }
  }
}
