import { describe, expect, it } from '@jest/globals';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { contactChangeOf, outboxEntryOf } from '../../shared/adapters/dynamodb/stream-records.js';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as unknown as Image;

function record(
  eventName: DynamoDBRecord['eventName'],
  images: { before?: Record<string, unknown>; after?: Record<string, unknown> },
): DynamoDBRecord {
  return {
    eventName,
    dynamodb: {
      ...(images.before ? { OldImage: image(images.before) } : {}),
      ...(images.after ? { NewImage: image(images.after) } : {}),
    },
  };
}

const inquiryItem = {
  pk: 'CONTACT#c1',
  sk: 'INQUIRY#i1',
  entity: 'inquiry',
  inquiryId: 'i1',
  contactId: 'c1',
  topic: 'demo',
  message: 'Call me',
  submitted: { name: 'Jane', email: 'jane@example.com', phone: '+12025550143' },
  companyName: 'Acme Motors',
  holders: { email: 'c1', sms: 'c2' },
  consentRequests: { sms: { mode: 'double', topics: ['newsletter'] } },
  visit: { receivedAt: '2026-03-10T17:00:00.000Z', ip: '203.0.113.9' },
  followUps: ['acknowledgement', 'sales_notification', 'sms_opt_in_confirmation'],
};

describe('outboxEntryOf', () => {
  it('reads an inserted support request as the messages it owes, and its later changes as nothing', () => {
    // Arrange
    const supportItem = {
      pk: 'CONTACT#c1',
      sk: 'SUPPORT#SR-1',
      gsi1pk: 'SUPPORT_REQUESTS#open',
      gsi1sk: '2026-03-10T17:00:00.000Z#SR-1',
      entity: 'support_request',
      ticketId: 'SR-1',
      contactId: 'c1',
      subject: 'Help',
      message: 'Delete my data',
      submitted: { name: 'Jane', email: 'jane@example.com' },
      receivedAt: '2026-03-10T17:00:00.000Z',
      status: 'open',
      flags: ['privacy_deletion', 'not_a_flag'],
      holders: { email: 'c1' },
      clientKey: 'k1',
    };
    // Act
    const entry = outboxEntryOf(record('INSERT', { after: supportItem }));
    const closed = outboxEntryOf(record('MODIFY', { before: supportItem, after: { ...supportItem, status: 'closed' } }));
    // Assert
    expect(entry).toEqual({
      kind: 'support_request',
      supportRequest: {
        ticketId: 'SR-1',
        contactId: 'c1',
        holders: { email: 'c1' },
        subject: 'Help',
        message: 'Delete my data',
        submitted: { name: 'Jane', email: 'jane@example.com' },
        receivedAt: '2026-03-10T17:00:00.000Z',
        flags: ['privacy_deletion'],
        clientKey: 'k1',
      },
    });
    expect(closed).toBeUndefined();
  });

  it('reads an inserted inquiry as the follow-ups it owes', () => {
    // Act
    const entry = outboxEntryOf(record('INSERT', { after: inquiryItem }));
    // Assert
    expect(entry).toEqual({
      kind: 'inquiry',
      inquiry: {
        inquiryId: 'i1',
        contactId: 'c1',
        holders: { email: 'c1', sms: 'c2' },
        consentRequests: { sms: { mode: 'double', topics: ['newsletter'] } },
        name: 'Jane',
        email: 'jane@example.com',
        phone: '+12025550143',
        ip: '203.0.113.9',
        followUps: ['acknowledgement', 'sales_notification', 'sms_opt_in_confirmation'],
        topic: 'demo',
        message: 'Call me',
        companyName: 'Acme Motors',
        receivedAt: '2026-03-10T17:00:00.000Z',
      },
    });
  });

  it('reads an inquiry stored without consent requests as owing none', () => {
    // Arrange
    const { consentRequests: _omitted, ...withoutRequests } = inquiryItem;
    // Act
    const entry = outboxEntryOf(record('INSERT', { after: withoutRequests }));
    // Assert
    expect(entry?.kind === 'inquiry' && entry.inquiry.consentRequests).toEqual({});
  });

  it('reads a queued subscription confirmation with a dedupe key of its own', () => {
    // Arrange
    const queued = {
      pk: 'CONTACT#c1',
      sk: 'OUTBOX#2026-03-10T17:00:00.000Z#subscription_confirmation',
      entity: 'outbox_message',
      kind: 'subscription_confirmation',
      contactId: 'c1',
    };
    // Act
    const entry = outboxEntryOf(record('INSERT', { after: queued }));
    // Assert
    expect(entry).toEqual({
      kind: 'subscription_confirmation',
      confirmation: { contactId: 'c1', dedupeKey: 'outbox#OUTBOX#2026-03-10T17:00:00.000Z#subscription_confirmation' },
    });
  });

  it('ignores anything but an insert: a modified or removed inquiry owes nothing', () => {
    // Act & Assert
    expect(outboxEntryOf(record('MODIFY', { before: inquiryItem, after: inquiryItem }))).toBeUndefined();
    expect(outboxEntryOf(record('REMOVE', { before: inquiryItem }))).toBeUndefined();
    expect(outboxEntryOf(record('INSERT', { after: { pk: 'LIMIT#x', sk: 'LIMIT', entity: 'limit' } }))).toBeUndefined();
  });
});

describe('contactChangeOf', () => {
  const contact = {
    pk: 'CONTACT#c1',
    sk: 'PROFILE',
    entity: 'contact',
    contactId: 'c1',
    email: 'jane@example.com',
    pref_email_newsletter: true,
  };

  it('reads both sides of a modified contact as audience facts', () => {
    // Act
    const change = contactChangeOf(record('MODIFY', { before: contact, after: { ...contact, emailOptOutAll: true } }));
    // Assert
    expect(change).toEqual({
      contactId: 'c1',
      before: {
        email: 'jane@example.com',
        preferences: { 'email:newsletter': true },
        emailOptOutAll: false,
        subscriptionUnconfirmed: false,
      },
      after: {
        email: 'jane@example.com',
        preferences: { 'email:newsletter': true },
        emailOptOutAll: true,
        subscriptionUnconfirmed: false,
      },
    });
  });

  it('reads an erased contact as one with no after side', () => {
    // Act
    const change = contactChangeOf(record('REMOVE', { before: contact }));
    // Assert
    expect(change?.contactId).toBe('c1');
    expect(change?.after).toBeUndefined();
  });

  it('ignores items that are not contacts', () => {
    // Act & Assert
    expect(contactChangeOf(record('INSERT', { after: inquiryItem }))).toBeUndefined();
  });
});
