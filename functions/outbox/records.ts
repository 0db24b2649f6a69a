import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { OutboxInquiry } from '../../shared/domain/inquiries/send-follow-ups.js';

/** The inserted item of a stream record, or undefined for anything else. */
export function insertedItem(record: DynamoDBRecord): Record<string, unknown> | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  return unmarshall(image as Record<string, AttributeValue>);
}

/** Reads the outbox fields of an inserted inquiry. */
export function outboxInquiryOf(item: Record<string, unknown>): OutboxInquiry {
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
