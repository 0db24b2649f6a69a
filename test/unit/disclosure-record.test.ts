import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbSendLedger } from '../../shared/adapters/dynamodb/send-ledger.js';
import { buildContactExport } from '../../shared/domain/contacts/contact-export.js';
import { keptRecords, planErasure } from '../../shared/domain/contacts/erasure-plan.js';
import type { StaffEmail } from '../../shared/domain/sending/send-gate.js';
import type { ContactFile } from '../../shared/ports/contact-records.js';
import type { SendClaim } from '../../shared/ports/send-ledger.js';
import { FakeClock, inMemoryGate } from '../fixtures/in-memory.js';

const NOW = new Date('2026-05-01T12:00:00.000Z');

const lead: StaffEmail = {
  audience: 'staff',
  channel: 'email',
  recipientId: 'sales_mailbox',
  to: 'sales@acme.test',
  contactId: 'c1',
  dedupeKey: 'inquiry#i1#sales_notification',
  body: { subject: 'New lead', text: 'Jane', html: 'Jane' },
};

describe('the disclosure record of a staff email', () => {
  it('records one disclosure to the sales mailbox per send, however often the send is retried', async () => {
    // Arrange
    const { gate, ledger, mailer } = inMemoryGate({ now: NOW });
    // Act
    const outcomes = [await gate.send(lead), await gate.send(lead)];
    // Assert
    expect(outcomes).toEqual(['sent', 'already_sent']);
    expect(mailer.sent).toHaveLength(1);
    expect([...ledger.disclosures]).toEqual([['c1#sales_mailbox#inquiry#i1#sales_notification', NOW.toISOString()]]);
  });

  it('records nothing when the provider refuses the email', async () => {
    const { gate, ledger, mailer } = inMemoryGate({ now: NOW });
    mailer.failuresToInject = 1;

    await expect(gate.send(lead)).rejects.toThrow();

    expect(ledger.disclosures.size).toBe(0);
  });

  it('is recorded from the provider’s own record when the sender died before marking it sent', async () => {
    // Arrange: claimed, then the sender died after the provider accepted
    const { ledger } = inMemoryGate({ now: NOW });
    const claim: SendClaim = { ...lead, category: 'transactional', at: NOW.toISOString() };
    await ledger.claim(claim, 60);
    // Act
    await ledger.recordProviderSend({ contactId: 'c1', dedupeKey: lead.dedupeKey }, 'm-1', '2026-05-01T12:00:01.000Z');
    await ledger.markSent(claim, undefined, '2026-05-01T12:01:00.000Z');
    // Assert
    expect([...ledger.disclosures.values()]).toEqual(['2026-05-01T12:00:01.000Z']);
  });
});

describe('DynamoDbSendLedger disclosure records', () => {
  const dynamo = mockClient(DynamoDBClient);
  const ledger = () => new DynamoDbSendLedger('table', new DynamoDBClient({ region: 'us-east-1' }));
  const claim: SendClaim = {
    dedupeKey: lead.dedupeKey,
    contactId: 'c1',
    channel: 'email',
    category: 'transactional',
    audience: 'staff',
    recipientId: 'sales_mailbox',
    at: NOW.toISOString(),
  };
  const keysOf = () => dynamo.commandCalls(UpdateItemCommand).map((call) => unmarshall(call.args[0].input.Key ?? {}).sk);

  beforeEach(() => {
    dynamo.reset();
  });

  it('upserts the disclosure under the contact, keyed by the send, in one transaction with the "sent" mark', async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});

    const counted = await ledger().markSent(claim, 'm-1', NOW.toISOString());

    expect(counted).toBe(true);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
    const items = dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((item) => unmarshall(item.Update?.Key ?? {}).sk)).toEqual([
      `DISCLOSURE#sales_mailbox#${lead.dedupeKey}`,
      `MESSAGE#${lead.dedupeKey}`,
    ]);
    expect(items[0]?.Update?.UpdateExpression).toContain('if_not_exists(#at, :at)');
    expect(unmarshall(items[0]?.Update?.Key ?? {}).pk).toBe('CONTACT#c1');
    expect(items[1]?.Update?.ConditionExpression).toBe('attribute_not_exists(counted)');
  });

  it('tells a send marked and counted already: the transaction lost its condition on the message', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );

    expect(await ledger().markSent(claim, undefined, NOW.toISOString())).toBe(false);
  });

  it('fails a "sent" mark whose transaction was cancelled for another reason, so that the gate retries it', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      }),
    );

    await expect(ledger().markSent(claim, 'm-1', NOW.toISOString())).rejects.toBeInstanceOf(TransactionCanceledException);
  });

  it('writes no disclosure for a message to the contact itself', async () => {
    dynamo.on(UpdateItemCommand).resolves({});
    const { recipientId: _, ...toContact } = claim;

    await ledger().markSent({ ...toContact, audience: 'contact' }, 'm-1', NOW.toISOString());

    expect(keysOf()).toEqual([`MESSAGE#${lead.dedupeKey}`]);
  });

  it('writes it from the provider’s record, whether that record marks the send or finds it marked', async () => {
    dynamo
      .on(UpdateItemCommand)
      .resolvesOnce({ Attributes: marshall({ status: 'sent', recipientId: 'sales_mailbox' }) })
      .resolvesOnce({})
      .rejectsOnce(
        new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
          Item: marshall({ status: 'sent', providerMessageId: 'm-1', recipientId: 'sales_mailbox' }),
        }),
      )
      .resolvesOnce({});

    expect(await ledger().recordProviderSend(claim, 'm-1', NOW.toISOString())).toBe('recorded');
    expect(await ledger().recordProviderSend(claim, 'm-1', NOW.toISOString())).toBe('already_recorded');

    expect(keysOf().filter((sk) => sk.startsWith('DISCLOSURE#'))).toHaveLength(2);
  });
});

const file = (): ContactFile => ({
  profile: { contactId: 'c1', name: 'Jane Doe', email: 'jane@example.com' },
  consent: { preferences: {} } as unknown as ContactFile['consent'],
  addressStatus: {},
  ledger: [],
  inquiries: [],
  supportRequests: [],
  messages: [],
  disclosures: [
    { recipientId: 'sales_mailbox', at: '2026-05-02T10:00:00.000Z' },
    { recipientId: 'sales_mailbox', at: '2026-05-01T10:00:00.000Z' },
  ],
});

describe('the export and the erasure', () => {
  it('lists each disclosure in the export, oldest first, with the recipient and why', async () => {
    const exported = await buildContactExport(
      {
        records: { file: async () => file() },
        auditTrail: { byContact: async () => ({ entries: [] }) },
        clock: new FakeClock(NOW),
      },
      'c1',
    );

    expect(exported?.disclosures).toEqual([
      expect.objectContaining({ recipientId: 'sales_mailbox', role: 'internal', at: '2026-05-01T10:00:00.000Z' }),
      expect.objectContaining({ recipientId: 'sales_mailbox', at: '2026-05-02T10:00:00.000Z' }),
    ]);
    expect(exported?.disclosures[0]?.purpose).toContain('new-lead email');
  });

  it('keeps the disclosure records and records the notice owed to each recipient', () => {
    const items = [
      { sk: 'PROFILE', entity: 'contact', contactId: 'c1', email: 'jane@example.com' },
      {
        sk: 'DISCLOSURE#sales_mailbox#inquiry#i1#sales_notification',
        entity: 'disclosure',
        recipientId: 'sales_mailbox',
        at: '2026-05-01T10:00:00.000Z',
      },
      {
        sk: 'DISCLOSURE#sales_mailbox#inquiry#i2#sales_notification',
        entity: 'disclosure',
        recipientId: 'sales_mailbox',
        at: '2026-05-02T10:00:00.000Z',
      },
    ];

    const plan = planErasure(items, 'contact', 'salt');

    expect(plan.fates.filter((fate) => fate.sk.startsWith('DISCLOSURE#')).map((fate) => fate.fate)).toEqual(['keep', 'keep']);
    expect(plan.noticesOwed).toEqual([
      { recipientId: 'sales_mailbox', disclosures: 2, lastDisclosedAt: '2026-05-02T10:00:00.000Z', state: 'owed' },
    ]);
    expect(keptRecords(plan, { kind: 'staff', actor: 'admin-1' })).toContainEqual(
      expect.objectContaining({ what: 'disclosure_record', count: 2 }),
    );
  });
});
