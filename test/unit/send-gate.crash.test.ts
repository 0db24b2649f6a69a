import { describe, expect, it } from '@jest/globals';
import { recordProviderSend } from '../../shared/domain/email-events/record-send.js';
import type { OutgoingEmail, OutgoingSms } from '../../shared/domain/messages.js';
import { CLAIM_LEASE_SECONDS, createSendGate } from '../../shared/domain/sending/send-gate.js';
import type { BatchResult } from '../../shared/domain/sending/send-gate.js';
import type { ProviderSendEvent } from '../../shared/domain/email-events/record-send.js';
import { SEND_TAG_NAME } from '../../shared/domain/sending/send-tag.js';
import type { BulkEntry, EmailOptions, Mailer } from '../../shared/ports/mailer.js';
import type { SendClaim, SendLedger } from '../../shared/ports/send-ledger.js';
import type { SmsSender } from '../../shared/ports/sms-sender.js';
import { FakeClock, InMemoryDirectory, InMemorySendLedger, TEST_BRAND, fixedSecrets } from '../fixtures/in-memory.js';

/**
 * Kill tests: the sender dies (kill -9, a timeout, a DynamoDB error that outlasts the retries) at
 * each point between the provider's acceptance and the "sent" record, then a retry runs in a
 * fresh process after the lease. Duplicates are counted from what the provider accepted.
 */

const NOW = new Date('2026-05-01T18:00:00Z');

/** The process died: every later call of this process fails, and nothing after it runs. */
class KilledError extends Error {
  constructor() {
    super('killed');
    this.name = 'KilledError';
  }
}

/** What the provider accepted, per send key, across every process: the ground truth. */
class Provider {
  readonly accepted = new Map<string, number>();
  /** SES `Send` events not yet delivered to the events handler. */
  readonly sendEvents: ProviderSendEvent[] = [];
  private sequence = 0;
  accept(key: string, tag: string | undefined): string {
    this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
    const providerMessageId = `msg-${(this.sequence += 1)}`;
    if (tag) this.sendEvents.push({ providerMessageId, tags: { [SEND_TAG_NAME]: [tag] }, at: NOW.toISOString() });
    return providerMessageId;
  }
  duplicates(): number {
    return [...this.accepted.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
  }
}

type CrashPoint =
  | 'none'
  /** Killed right after the provider accepted, before any record. */
  | 'after_provider'
  /** The provider accepted, but the answer never arrived (timeout, reset connection). */
  | 'ambiguous_provider_error'
  /** Every "sent" write fails (DynamoDB down); the process then dies. */
  | 'sent_write_fails'
  /** One "sent" write fails and the retry of the write succeeds. */
  | 'sent_write_fails_once'
  /** Killed after the first of a bulk call's "sent" writes (bulk only). */
  | 'after_first_sent_write';

/** One process: a gate whose ledger and providers die at `crash`. */
function process(options: {
  ledger: InMemorySendLedger;
  directory: InMemoryDirectory;
  provider: Provider;
  clock: FakeClock;
  crash: CrashPoint;
}) {
  const { provider, crash } = options;
  let killed = false;
  let sentWrites = 0;
  const alive = () => {
    if (killed) throw new KilledError();
  };
  const die = (): never => {
    killed = true;
    throw new KilledError();
  };
  const ledger: SendLedger = {
    claim: async (claim, lease) => (alive(), options.ledger.claim(claim, lease)),
    markFailed: async (claim, reason) => (alive(), options.ledger.markFailed(claim, reason)),
    markSkipped: async (claim, status) => (alive(), options.ledger.markSkipped(claim, status)),
    recordProviderSend: async (ref, id) => (alive(), options.ledger.recordProviderSend(ref, id)),
    markSent: async (claim, id) => {
      alive();
      sentWrites += 1;
      if (crash === 'sent_write_fails') throw Object.assign(new Error('DynamoDB unavailable'), { $fault: 'server' });
      if (crash === 'sent_write_fails_once' && sentWrites === 1)
        throw Object.assign(new Error('DynamoDB unavailable'), { $fault: 'server' });
      if (crash === 'after_first_sent_write' && sentWrites === 2) die();
      return options.ledger.markSent(claim, id);
    },
  };
  const afterAccept = () => {
    if (crash === 'after_provider') die();
    if (crash === 'ambiguous_provider_error') throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
  };
  const mailer: Mailer = {
    async sendEmail(email: OutgoingEmail, emailOptions?: EmailOptions) {
      alive();
      const providerMessageId = provider.accept(email.to, emailOptions?.sendTag);
      afterAccept();
      return { providerMessageId };
    },
    async sendBulk(_template, entries: readonly BulkEntry[]) {
      alive();
      const receipts = entries.map((entry) => ({ providerMessageId: provider.accept(entry.to, entry.sendTag) }));
      afterAccept();
      return receipts;
    },
  };
  const smsSender: SmsSender = {
    async sendSms(sms: OutgoingSms) {
      alive();
      const providerMessageId = provider.accept(sms.to, undefined);
      afterAccept();
      return { providerMessageId };
    },
  };
  const gate = createSendGate({
    brand: TEST_BRAND,
    secrets: fixedSecrets(),
    directory: options.directory,
    ledger,
    mailer,
    smsSender,
    clock: options.clock,
    sleep: async (ms) => options.clock.set(new Date(options.clock.now().getTime() + ms)),
  });
  return { gate };
}

function world(recipients: number) {
  const directory = new InMemoryDirectory();
  for (let index = 0; index < recipients; index += 1) {
    directory.recipients.set(`c${index}`, {
      contactId: `c${index}`,
      email: `r${index}@example.com`,
      phone: `+1202555${String(1000 + index).padStart(4, '0')}`,
      preferences: { 'email:newsletter': true, 'sms:newsletter': true },
      timeZone: 'America/Chicago',
    });
  }
  return { directory, ledger: new InMemorySendLedger(), provider: new Provider(), clock: new FakeClock(NOW) };
}

/** Runs a first attempt that crashes at `crash`, delivers (or drops) the SES events, then retries until done. */
async function killAndRetry(
  kind: 'email' | 'bulk' | 'sms',
  crash: CrashPoint,
  { deliverSendEvents }: { deliverSendEvents: boolean },
) {
  const recipients = kind === 'bulk' ? 50 : 1;
  const w = world(recipients);
  const attempt = async (crashAt: CrashPoint): Promise<boolean> => {
    const { gate } = process({ ...w, crash: crashAt });
    try {
      if (kind === 'bulk') {
        const results = await gate.sendEmailBatch({
          category: 'newsletter',
          campaignId: 'camp',
          body: { subject: 'News', text: 'Hello', html: '<p>Hello</p>' },
          recipients: [...w.directory.recipients.keys()].map((contactId) => ({ contactId, dedupeKey: `camp#${contactId}` })),
        });
        return [...results.values()].every(
          (result: BatchResult) => result.outcome === 'sent' || result.outcome === 'already_sent',
        );
      }
      const common = { audience: 'contact', category: 'transactional', contactId: 'c0', dedupeKey: 'ack#c0' } as const;
      const outcome = await gate.send(
        kind === 'email'
          ? { ...common, channel: 'email', body: { subject: 'Thanks', text: 'Got it', html: '<p>Got it</p>' } }
          : { ...common, channel: 'sms', body: { text: 'Got it' } },
      );
      return outcome === 'sent' || outcome === 'already_sent';
    } catch {
      return false;
    }
  };
  let done = await attempt(crash);
  // SES publishes a Send event per accepted message; the events handler records it.
  const events = w.provider.sendEvents.splice(0);
  if (deliverSendEvents) for (const event of events) await recordProviderSend({ ledger: w.ledger }, event);
  for (let retry = 0; !done && retry < 5; retry += 1) {
    // The stream or queue redelivers; a retry that meets the dead sender's claim waits, then retries after the lease.
    w.clock.set(new Date(w.clock.now().getTime() + (CLAIM_LEASE_SECONDS + 1) * 1000));
    done = await attempt('none');
    if (deliverSendEvents)
      for (const event of w.provider.sendEvents.splice(0)) await recordProviderSend({ ledger: w.ledger }, event);
  }
  const lost = recipients - w.provider.accepted.size;
  return { duplicates: w.provider.duplicates(), lost, done, records: w.ledger.records };
}

const EMAIL_CRASH_POINTS: CrashPoint[] = [
  'none',
  'after_provider',
  'ambiguous_provider_error',
  'sent_write_fails',
  'sent_write_fails_once',
];

describe('send gate under a crash between the provider and the record', () => {
  it.each(EMAIL_CRASH_POINTS)('sends one email, no duplicate and no loss, when killed at %s', async (crash) => {
    // Act
    const result = await killAndRetry('email', crash, { deliverSendEvents: true });
    // Assert
    expect(result).toMatchObject({ duplicates: 0, lost: 0, done: true });
    expect(result.records.get('ack#c0')?.status).toBe('sent');
  });

  it.each([...EMAIL_CRASH_POINTS, 'after_first_sent_write' as const])(
    'sends each of 50 bulk recipients once when killed at %s',
    async (crash) => {
      // Act
      const result = await killAndRetry('bulk', crash, { deliverSendEvents: true });
      // Assert
      expect(result).toMatchObject({ duplicates: 0, lost: 0, done: true });
      expect([...result.records.values()].filter((record) => record.status === 'sent')).toHaveLength(50);
      // Each recipient is counted once for progress, whoever recorded the send.
      expect([...result.records.values()].every((record) => record.counted === true)).toBe(true);
    },
  );

  it('without the Send events (what the gate did before), a kill after the provider duplicates every message in the call', async () => {
    // The figure this change removes: the retry after the lease sends again.
    expect((await killAndRetry('email', 'after_provider', { deliverSendEvents: false })).duplicates).toBe(1);
    expect((await killAndRetry('bulk', 'after_provider', { deliverSendEvents: false })).duplicates).toBe(50);
    expect((await killAndRetry('bulk', 'after_first_sent_write', { deliverSendEvents: false })).duplicates).toBe(49);
  });

  it('SMS has no provider record: a kill in the one-write window still sends twice, and nowhere else', async () => {
    // Measured: the window is the "sent" write alone, which is retried before the process gives up.
    const figures = Object.fromEntries(
      await Promise.all(
        EMAIL_CRASH_POINTS.map(async (crash) => [
          crash,
          (await killAndRetry('sms', crash, { deliverSendEvents: true })).duplicates,
        ]),
      ),
    );
    expect(figures).toEqual({
      none: 0,
      after_provider: 1,
      ambiguous_provider_error: 1,
      sent_write_fails: 1,
      sent_write_fails_once: 0,
    });
  });

  it('a retry that meets a live claim waits for it and finds the message sent, instead of failing', async () => {
    // Arrange: a first process claimed and is mid-send; its Send event lands while the retry waits.
    const w = world(1);
    const claim: SendClaim = {
      dedupeKey: 'ack#c0',
      contactId: 'c0',
      channel: 'email',
      category: 'transactional',
      audience: 'contact',
      at: NOW.toISOString(),
    };
    await w.ledger.claim(claim, CLAIM_LEASE_SECONDS);
    w.provider.accept('r0@example.com', undefined);
    const { gate } = process({ ...w, crash: 'none' });
    const originalClaim = w.ledger.claim.bind(w.ledger);
    let polls = 0;
    w.ledger.claim = async (c, lease) => {
      polls += 1;
      if (polls === 3) await w.ledger.markSent(claim, 'msg-1');
      return originalClaim(c, lease);
    };
    // Act
    const outcome = await gate.send({
      audience: 'contact',
      channel: 'email',
      category: 'transactional',
      contactId: 'c0',
      dedupeKey: 'ack#c0',
      body: { subject: 'Thanks', text: 'Got it', html: '<p>Got it</p>' },
    });
    // Assert
    expect(outcome).toBe('already_sent');
    expect(w.provider.duplicates()).toBe(0);
  });
});
