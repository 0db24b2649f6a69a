import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, ReturnConsumedCapacity, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { InquiryRecord } from '../../domain/inquiries/inquiry.js';
import type { OutboxInquiry } from '../../domain/inquiries/send-follow-ups.js';
import type { IdempotencyRecord, InquiryStore } from '../../ports/inquiry-store.js';
import { TOPICS } from '../../domain/consent.js';
import { INQUIRY_ENTITY } from '../../table.js';
import { dynamoDbClient } from './client.js';
import { consentEventPut } from './consent-items.js';
import { holderUpdate } from './holder-update.js';
import { keys, preferenceAttribute } from './keys.js';

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true });

/** Receives the write units each transaction consumed, for the bench's write-cost figure. */
export type CapacityListener = (writeUnits: number) => void;

/** Pending requests are forgotten after the confirmation's life (7 days, as the link). */
const PENDING_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The update of one contact that holds an address the inquiry names: the address it holds (after
 * a crash between claim and save), the form's profile for a contact this inquiry created, and the
 * preferences the inquiry's consent events change on that holder's addresses.
 */
function inquiryHolderUpdate(tableName: string, record: InquiryRecord, holderId: string): TransactWriteItem {
  const { submitted } = record;
  const isNew = record.newContactId === holderId;
  const set: Record<string, unknown> = {};
  for (const event of record.consentEvents) {
    if (record.holders[event.channel] !== holderId) continue;
    for (const topic of event.topics) set[preferenceAttribute(event.channel, topic)] = event.action === 'grant';
    if (event.channel === 'email') set.emailOptOutAll = false;
  }
  return holderUpdate(tableName, {
    holderId,
    at: record.visit.receivedAt,
    fillIfMissing: {
      email: record.holders.email === holderId ? submitted.email : undefined,
      phone: record.holders.sms === holderId ? submitted.phone : undefined,
      ...(isNew
        ? {
            name: submitted.name,
            companyName: submitted.companyName,
            dealershipType: submitted.dealershipType,
            timeZone: submitted.timeZone,
          }
        : {}),
    },
    set,
  });
}

/** A double opt-in request waiting for its address to confirm: topics under the address's holder. */
function pendingRequest(tableName: string, record: InquiryRecord, channel: 'email' | 'sms'): TransactWriteItem[] {
  const holderId = record.holders[channel];
  if (record.consentRequests[channel]?.mode !== 'double' || !holderId) return [];
  const expiresAt = Math.floor(Date.parse(record.visit.receivedAt) / 1000) + PENDING_TTL_SECONDS;
  return [
    {
      Update: {
        TableName: tableName,
        Key: toItem(channel === 'email' ? keys.subscription(holderId) : keys.smsPending(holderId)),
        UpdateExpression: 'ADD #topics :topics SET #expiresAt = :expiresAt, entity = :entity, contactId = :contactId',
        ExpressionAttributeNames: { '#topics': 'topics', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: toItem({
          ':topics': new Set(TOPICS),
          ':expiresAt': expiresAt,
          ':entity': channel === 'email' ? 'subscription_pending' : 'sms_pending',
          ':contactId': holderId,
        }),
      },
    },
  ];
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
        submitted: record.submitted,
        // Kept at the top level too, where staff lists and the sales email read them.
        companyName: record.submitted.companyName,
        dealershipType: record.submitted.dealershipType,
        holders: record.holders,
        // An empty map is left out: a stream record can carry it as an empty attribute value,
        // which the consumers' unmarshall refuses, and the follow-ups would never go out.
        consentRequests: Object.keys(record.consentRequests).length > 0 ? record.consentRequests : undefined,
        visit: record.visit,
        followUps: record.followUps,
        requestHash: record.requestHash,
      }),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * Reads back what the outbox needs from an inquiry item that `inquiryPut` wrote (the stream's new
 * image): the one place that knows both how the item is laid out and what the follow-ups read.
 */
export function outboxInquiryOfItem(item: Record<string, unknown>): OutboxInquiry {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  const visit = item.visit as { receivedAt?: string; ip?: string } | undefined;
  const submitted = (item.submitted ?? {}) as { name?: string; email?: string; phone?: string };
  return {
    inquiryId: String(item.inquiryId),
    contactId: String(item.contactId),
    holders: (item.holders as OutboxInquiry['holders'] | undefined) ?? {},
    consentRequests: (item.consentRequests as OutboxInquiry['consentRequests'] | undefined) ?? {},
    ...(submitted.name ? { name: submitted.name } : {}),
    ...(submitted.email ? { email: submitted.email } : {}),
    ...(submitted.phone ? { phone: submitted.phone } : {}),
    ...(visit?.ip ? { ip: visit.ip } : {}),
    followUps: (item.followUps as OutboxInquiry['followUps'] | undefined) ?? [],
    topic: item.topic as OutboxInquiry['topic'],
    ...(text('message') ? { message: text('message') } : {}),
    ...(text('pageUrl') ? { pageUrl: text('pageUrl') } : {}),
    ...(text('companyName') ? { companyName: text('companyName') } : {}),
    ...(text('dealershipType') ? { dealershipType: text('dealershipType') } : {}),
    receivedAt: visit?.receivedAt ?? '',
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
            inquiryPut(this.tableName, record),
            ...[...new Set(Object.values(record.holders))].map((holderId) =>
              inquiryHolderUpdate(this.tableName, record, holderId),
            ),
            ...record.consentEvents.flatMap((event) => {
              const holderId = record.holders[event.channel];
              return holderId ? [consentEventPut(this.tableName, holderId, event)] : [];
            }),
            ...pendingRequest(this.tableName, record, 'email'),
            ...pendingRequest(this.tableName, record, 'sms'),
          ],
          ReturnConsumedCapacity: this.returnConsumedCapacity,
        }),
      );
      this.reportCapacity(result.ConsumedCapacity);
      return true;
    } catch (error) {
      // Only the inquiry put (index 0) failing its condition means "already stored".
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        return false;
      }
      throw error;
    }
  }
}
