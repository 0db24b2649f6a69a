import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDeploymentConfig } from '../../infra/config.js';
import { assertRecipientsRegistered, deploymentWiring } from '../../infra/recipients-wiring.js';
import {
  README_RECIPIENTS_MARKERS,
  listRecipients,
  recipientsMarkdownTable,
} from '../../shared/domain/disclosures/list-recipients.js';
import { sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import type { GateMessage, SendGate, StaffEmail } from '../../shared/domain/sending/send-gate.js';
import { RECIPIENTS, UnregisteredRecipientError, registeredRecipient } from '../../shared/recipients.js';
import type { Recipient } from '../../shared/recipients.js';
import { HTTP_ROUTES } from '../../shared/routes.js';
import {
  FakeClock,
  InMemorySendLimits,
  InMemorySubscriptions,
  TEST_BRAND,
  fixedSecrets,
  inMemoryGate,
} from '../fixtures/in-memory.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ADAPTERS = join(ROOT, 'shared/adapters');

/** SDK commands that hand data to a provider to deliver or keep: a file that builds one sends personal data out. */
const OUTBOUND_COMMANDS =
  /new (SendEmailCommand|SendBulkEmailCommand|PublishCommand|SendMessageCommand|SendMessageBatchCommand)\(/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const without = (id: string): Recipient[] => RECIPIENTS.filter((recipient) => recipient.id !== id);

describe('the recipients registry', () => {
  it('gives every recipient a unique id, a role, a purpose, the data it receives and a start date', () => {
    const ids = RECIPIENTS.map((recipient) => recipient.id);

    expect(new Set(ids).size).toBe(ids.length);
    for (const recipient of RECIPIENTS as readonly Recipient[]) {
      expect(['processor', 'internal', 'third_party']).toContain(recipient.role);
      expect(recipient.purpose.length).toBeGreaterThan(10);
      expect(recipient.data.length).toBeGreaterThan(0);
      expect(recipient.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('registers AWS as processors and the sales and support mailboxes as internal recipients', () => {
    expect(RECIPIENTS.map(({ id, role }) => `${id}:${role}`)).toEqual([
      'aws_ses:processor',
      'aws_sns:processor',
      'aws_hosting:processor',
      'sales_mailbox:internal',
      'support_mailbox:internal',
    ]);
  });

  it('finds a registered recipient and refuses an unregistered id, naming it', () => {
    expect(registeredRecipient('sales_mailbox').role).toBe('internal');
    expect(() => registeredRecipient('crm_partner')).toThrow(new UnregisteredRecipientError('Recipient "crm_partner"'));
  });
});

describe('every adapter that sends personal data out names its registered recipient', () => {
  const outbound = filesUnder(ADAPTERS).filter((file) => OUTBOUND_COMMANDS.test(readFileSync(file, 'utf8')));

  it('finds the outbound adapters (the walk is not empty)', () => {
    expect(outbound.map((file) => relative(ROOT, file)).sort()).toEqual(
      expect.arrayContaining(['shared/adapters/ses/mailer.ts', 'shared/adapters/sns/sms-sender.ts']),
    );
  });

  it.each(
    filesUnder(ADAPTERS)
      .filter((file) => OUTBOUND_COMMANDS.test(readFileSync(file, 'utf8')))
      .map((file) => [relative(ROOT, file), file]),
  )('%s: each exported class carries a registered static recipient', async (_name, file) => {
    // Arrange
    const exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const classes = Object.entries(exported).filter(
      (entry): entry is [string, { recipient?: unknown }] => typeof entry[1] === 'function' && /^class\b/.test(String(entry[1])),
    );
    // Act
    const unnamed = classes.filter(([, value]) => typeof value.recipient !== 'string').map(([name]) => name);
    const unregistered = classes
      .filter(([, value]) => typeof value.recipient === 'string' && !RECIPIENTS.some((r) => r.id === value.recipient))
      .map(([name]) => name);
    // Assert
    expect(classes.length).toBeGreaterThan(0);
    expect({ unnamed, unregistered }).toEqual({ unnamed: [], unregistered: [] });
  });

  it('covers every adapter folder by a registered processor', () => {
    const folders = readdirSync(ADAPTERS, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const covered = (RECIPIENTS as readonly Recipient[]).flatMap((recipient) =>
      recipient.role === 'processor' ? (recipient.adapters ?? []) : [],
    );

    // `networks` reads the offline IP-to-network file shipped beside the beacon: nothing leaves.
    const sendsNothingOut = ['networks'];
    expect(folders.filter((folder) => !covered.includes(folder) && !sendsNothingOut.includes(folder))).toEqual([]);
  });

  it('names a registered internal mailbox on every staff email the inquiry follow-ups send', async () => {
    // Arrange: a gate that records what it is asked to send
    const messages: GateMessage[] = [];
    const gate: SendGate = {
      send: async (message) => (messages.push(message), 'sent'),
      sendTracked: async () => ({ outcome: 'sent', firstTime: true }),
      sendEmailBatch: async () => new Map(),
    };
    // Act
    await sendInquiryFollowUps(
      {
        channels: ['email'],
        gate,
        limits: new InMemorySendLimits(),
        subscriptions: new InMemorySubscriptions(),
        secrets: fixedSecrets(),
        clock: new FakeClock(new Date('2026-05-01T12:00:00Z')),
        brand: TEST_BRAND,
        salesAddress: 'sales@acme.test',
        smsMessagesPerMonth: 4,
        smsCaps: { perIpPerHour: 3, dailyBudget: 5 },
      },
      {
        inquiryId: 'i1',
        contactId: 'c1',
        holders: { email: 'c1' },
        consentRequests: {},
        followUps: ['acknowledgement', 'sales_notification'],
        name: 'Jane Doe',
        email: 'jane@example.com',
        topic: 'pricing',
        receivedAt: '2026-05-01T12:00:00.000Z',
      },
    );
    // Assert
    const staff = messages.filter((message): message is StaffEmail => message.audience === 'staff');
    expect(staff.map((message) => message.recipientId)).toEqual(['sales_mailbox']);
    expect(staff.map((message) => registeredRecipient(message.recipientId).role)).toEqual(['internal']);
  });

  it('refuses, in the send gate, a staff email to a mailbox the registry does not name, and sends nothing', async () => {
    // Arrange
    const { gate, mailer, ledger } = inMemoryGate({ now: new Date('2026-05-01T12:00:00Z') });
    const message = {
      audience: 'staff',
      channel: 'email',
      recipientId: 'crm_partner',
      to: 'leads@crm.example',
      contactId: 'c1',
      dedupeKey: 'lead-x',
      body: { subject: 'Lead', text: 'x', html: 'x' },
    } as unknown as StaffEmail;
    // Act
    const sending = gate.send(message);
    // Assert
    await expect(sending).rejects.toThrow(UnregisteredRecipientError);
    expect(mailer.sent).toEqual([]);
    expect(ledger.records.size).toBe(0);
  });
});

describe('a recipient that is not registered cannot be wired', () => {
  const config = loadDeploymentConfig();

  it('derives the wired AWS services and mailboxes from the route table and the config', () => {
    const wiring = deploymentWiring(config);

    expect([...wiring.awsServices].sort()).toEqual(['dynamodb', 'lambda', 'secrets', 'ses', 'sns', 'sqs']);
    expect(wiring.mailboxes).toEqual(['salesNotificationAddress', 'supportNotificationAddress']);
  });

  it('accepts the deployment as registered today', () => {
    expect(() => assertRecipientsRegistered(config)).not.toThrow();
  });

  it.each([
    ['aws_sns', 'AWS service "sns"'],
    ['aws_ses', 'AWS service "ses"'],
    ['aws_hosting', 'AWS service "lambda"'],
    ['sales_mailbox', 'mailbox "salesNotificationAddress"'],
    ['support_mailbox', 'mailbox "supportNotificationAddress"'],
  ])('refuses the deployment when %s is not registered, naming what is wired', (id, named) => {
    expect(() => assertRecipientsRegistered(config, without(id))).toThrow(named);
  });

  it('refuses a function that starts texting when no processor for SMS is registered', () => {
    // Arrange: a registry without SNS, and functions of which only one declares SMS
    const quiet = HTTP_ROUTES.map(({ aws }) => ({ aws: { ...aws, sms: undefined, email: undefined } }));
    // Act / Assert
    expect(() => assertRecipientsRegistered(config, without('aws_sns'), quiet)).not.toThrow();
    expect(() => assertRecipientsRegistered(config, without('aws_sns'), [...quiet, { aws: { sms: ['Publish'] } }])).toThrow(
      'AWS service "sns"',
    );
  });
});

describe('GET /admin/recipients and the README', () => {
  it('lists every recipient with what it receives, without the wiring internals', () => {
    const listed = listRecipients();

    expect(listed.map((recipient) => recipient.id)).toEqual(RECIPIENTS.map((recipient) => recipient.id));
    expect(Object.keys(listed[0] ?? {}).sort()).toEqual(['data', 'id', 'name', 'purpose', 'role', 'since']);
  });

  it('shows a third party with the day it may first receive data', () => {
    const partner: Recipient = {
      id: 'crm_partner',
      name: 'CRM partner',
      role: 'third_party',
      purpose: 'Enriches leads for the dealership.',
      data: ['name', 'email_address'],
      since: '2026-06-01',
      wiring: { kind: 'integration' },
      noticeSentAt: '2026-05-01T00:00:00.000Z',
    };

    expect(listRecipients([partner], 30)[0]).toMatchObject({ usableFrom: '2026-05-31T00:00:00.000Z' });
  });

  it('keeps the README table the same as the registry (npx tsx scripts/readme-recipients.ts rewrites it)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const [start, end] = README_RECIPIENTS_MARKERS;

    const table = readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end)).trim();

    expect(table).toBe(recipientsMarkdownTable());
  });
});
