import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { AudienceFacts } from '../../domain/campaigns/audience.js';
import type { OutboxInquiry } from '../../domain/inquiries/send-follow-ups.js';
import type { OutboxSupportRequest } from '../../domain/support/send-support-effects.js';
import { INQUIRY_ENTITY, SUPPORT_REQUEST_ENTITY } from '../../table.js';
import { outboxInquiryOfItem } from './inquiry-store.js';
import { preferencesOf } from './recipient-directory.js';
import { queuedConfirmationOfItem } from './subscription-store.js';
import { outboxSupportRequestOfItem } from './support-request-items.js';
import type { QueuedConfirmation } from './subscription-store.js';

/**
 * The table's stream records, decoded into what the consumers act on. Handlers never see an
 * attribute value: the layout of each item is read back here, by the functions of the stores
 * that write it, so a change to an item and to its reader happen in one place.
 */

/** One stream image as a plain object; undefined when the record carries none. */
function imageOf(image: unknown): Record<string, unknown> | undefined {
  // aws-lambda's AttributeValue type and the SDK's describe the same wire shape.
  return image ? unmarshall(image as Record<string, AttributeValue>) : undefined;
}

/** What one inserted outbox record asks for: an inquiry's follow-ups, a queued confirmation, a support request's messages. */
export type OutboxEntry =
  | { kind: 'inquiry'; inquiry: OutboxInquiry }
  | { kind: 'subscription_confirmation'; confirmation: QueuedConfirmation }
  | { kind: 'support_request'; supportRequest: OutboxSupportRequest };

/**
 * The outbox entry a stream record inserted, or undefined for any other record (a modification,
 * a removal, another entity): only an insert owes a message.
 */
export function outboxEntryOf(record: DynamoDBRecord): OutboxEntry | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  const item = imageOf(record.dynamodb?.NewImage);
  if (!item) return undefined;
  if (item.entity === INQUIRY_ENTITY) return { kind: 'inquiry', inquiry: outboxInquiryOfItem(item) };
  if (item.entity === SUPPORT_REQUEST_ENTITY)
    return { kind: 'support_request', supportRequest: outboxSupportRequestOfItem(item) };
  const confirmation = queuedConfirmationOfItem(item);
  return confirmation ? { kind: 'subscription_confirmation', confirmation } : undefined;
}

/** A contact item before and after one change; either side is absent for a creation or an erasure. */
export interface ContactChange {
  contactId: string;
  before?: AudienceFacts;
  after?: AudienceFacts;
}

function audienceFactsOf(item: Record<string, unknown>): AudienceFacts {
  return {
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
    ...(typeof item.phone === 'string' ? { phone: item.phone } : {}),
    preferences: preferencesOf(item),
    emailOptOutAll: item.emailOptOutAll === true,
    subscriptionUnconfirmed: item.subscriptionUnconfirmed === true,
  };
}

/** The contact change a stream record carries (both images), or undefined when it is not a contact's. */
export function contactChangeOf(record: DynamoDBRecord): ContactChange | undefined {
  const before = imageOf(record.dynamodb?.OldImage);
  const after = imageOf(record.dynamodb?.NewImage);
  const item = after ?? before;
  if (item?.entity !== 'contact') return undefined;
  return {
    contactId: String(item.contactId),
    ...(before ? { before: audienceFactsOf(before) } : {}),
    ...(after ? { after: audienceFactsOf(after) } : {}),
  };
}
