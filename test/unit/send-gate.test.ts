import { beforeEach, describe, expect, it } from '@jest/globals';
import type { ContactEmail, SendGate, StaffEmail } from '../../shared/domain/sending/send-gate.js';
import { verifyToken } from '../../shared/domain/tokens.js';
import {
  InMemoryDirectory,
  InMemorySendLedger,
  RecordingMailer,
  RecordingSmsSender,
  TEST_BRAND,
  fixedSecrets,
  inMemoryGate,
} from '../fixtures/in-memory.js';

const NOW = new Date('2026-05-01T18:00:00Z');

const email = (overrides: Partial<ContactEmail> = {}): ContactEmail => ({
  audience: 'contact',
  channel: 'email',
  contactId: 'c1',
  category: 'transactional',
  dedupeKey: 'ack-1',
  body: { subject: 'Thanks', text: 'We got it', html: '<p>We got it</p>' },
  ...overrides,
});

describe('send gate', () => {
  let directory: InMemoryDirectory;
  let ledger: InMemorySendLedger;
  let mailer: RecordingMailer;
  let smsSender: RecordingSmsSender;
  let gate: SendGate;
  let secrets: ReturnType<typeof fixedSecrets>;

  beforeEach(() => {
    const built = inMemoryGate({ now: NOW });
    ({ directory, secrets } = built);
    directory.recipients.set('c1', {
      contactId: 'c1',
      email: 'jane@example.com',
      phone: '+12025550143',
      preferences: { 'email:newsletter': true },
    });
    ({ ledger, mailer, smsSender, gate } = built);
  });

  it('adds the footer and working, scoped preference and unsubscribe links', async () => {
    // Act
    const outcome = await gate.send(email());
    // Assert
    expect(outcome).toBe('sent');
    const sent = mailer.sent[0];
    expect(sent?.to).toBe('jane@example.com');
    expect(sent?.text).toContain(TEST_BRAND.postalAddress);
    const unsubscribe = /unsubscribe\?token=([^\s"]+)/.exec(sent?.text ?? '')?.[1] ?? '';
    const claims = verifyToken(secrets.secrets.keyring, unsubscribe, 'unsubscribe', NOW.getTime());
    expect(claims).toMatchObject({ contactId: 'c1', channel: 'email', topic: 'all' });
  });

  it('puts List-Unsubscribe headers on non-transactional email only, scoped to its topic', async () => {
    await gate.send(email());
    await gate.send(email({ category: 'newsletter', dedupeKey: 'news-1' }));
    expect(mailer.sent[0]?.headers).toEqual([]);
    const headers = mailer.sent[1]?.headers ?? [];
    expect(headers.map((h) => h.name)).toEqual(['List-Unsubscribe', 'List-Unsubscribe-Post']);
    const token = /token=([^>]+)>/.exec(headers[0]?.value ?? '')?.[1] ?? '';
    expect(verifyToken(secrets.secrets.keyring, token, 'unsubscribe', NOW.getTime())).toMatchObject({ topic: 'newsletter' });
  });

  it('sends a message delivered twice only once', async () => {
    expect(await gate.send(email())).toBe('sent');
    expect(await gate.send(email())).toBe('already_sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('frees the claim after a provider failure so that the retry sends exactly once', async () => {
    // Arrange
    mailer.failuresToInject = 1;
    // Act
    await expect(gate.send(email())).rejects.toThrow('Rate exceeded');
    const retried = await gate.send(email());
    // Assert
    expect(retried).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('refuses to send while another worker holds a live claim', async () => {
    await ledger.claim(
      {
        dedupeKey: 'ack-1',
        contactId: 'c1',
        channel: 'email',
        category: 'transactional',
        audience: 'contact',
        at: NOW.toISOString(),
      },
      60,
    );
    await expect(gate.send(email())).rejects.toThrow(/in flight/);
    expect(mailer.sent).toHaveLength(0);
  });

  it('sends nothing to a suppressed address and logs why', async () => {
    directory.suppressAddress('email', 'jane@example.com');
    expect(await gate.send(email())).toBe('skipped_suppressed');
    expect(mailer.sent).toHaveLength(0);
    expect(ledger.records.get('ack-1')?.status).toBe('skipped_suppressed');
  });

  it('sends nothing to an erased contact', async () => {
    directory.recipients.clear();
    expect(await gate.send(email())).toBe('skipped_no_address');
    expect(mailer.sent).toHaveLength(0);
  });

  it('sends staff email to the staff mailbox without consent checks or footer', async () => {
    const staff: StaffEmail = {
      audience: 'staff',
      channel: 'email',
      recipientId: 'sales_mailbox',
      to: 'sales@acme.test',
      contactId: 'c1',
      dedupeKey: 'lead-1',
      body: { subject: 'Lead', text: 'x', html: 'x' },
    };
    directory.suppressAddress('email', 'jane@example.com');
    expect(await gate.send(staff)).toBe('sent');
    expect(mailer.sent[0]?.to).toBe('sales@acme.test');
    expect(await gate.send(staff)).toBe('already_sent');
  });

  it('sends an SMS only with SMS consent, with the brand and STOP wording', async () => {
    const sms = {
      audience: 'contact' as const,
      channel: 'sms' as const,
      contactId: 'c1',
      category: 'transactional' as const,
      dedupeKey: 'sms-1',
      body: { text: 'Hello' },
    };
    expect(await gate.send(sms)).toBe('skipped_opted_out');
    directory.recipients.set('c1', { contactId: 'c1', phone: '+12025550143', preferences: { 'sms:newsletter': true } });
    expect(await gate.send({ ...sms, dedupeKey: 'sms-2' })).toBe('sent');
    expect(smsSender.sent[0]?.body).toMatch(new RegExp(`^${TEST_BRAND.brandName}: Hello Reply STOP to opt out\\.`));
  });
});
