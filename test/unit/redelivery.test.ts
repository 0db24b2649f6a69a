import { beforeEach, describe, expect, it } from '@jest/globals';
import { handleEmailEvent } from '../../shared/domain/email-events/handle-email-event.js';
import { handleInboundSms } from '../../shared/domain/sms/handle-inbound-sms.js';
import { FakeClock, InMemorySubscriptions, TEST_BRAND, fixedPolicy, inMemoryGate } from '../fixtures/in-memory.js';

const PHONE = '+12025550143';
const EMAIL = 'pat@example.com';
const NOW = new Date('2026-03-10T17:00:00Z');

/** SNS delivers at least once: the same inbound text or SES event may arrive twice. */
describe('a redelivered SNS notification', () => {
  let built: ReturnType<typeof inMemoryGate>;

  const smsDeps = () => ({
    addresses: built.directory,
    subscriptions: new InMemorySubscriptions(),
    directory: built.directory,
    consent: built.directory,
    gate: built.gate,
    secrets: built.secrets,
    clock: new FakeClock(NOW),
    brand: TEST_BRAND,
    policy: fixedPolicy('v1'),
    smsMessagesPerMonth: 4,
  });
  const eventDeps = () => ({
    addresses: built.directory,
    directory: built.directory,
    consent: built.directory,
    suppressions: built.directory,
    secrets: built.secrets,
    clock: new FakeClock(NOW),
    policy: fixedPolicy('v1'),
  });

  beforeEach(() => {
    built = inMemoryGate({ now: NOW });
    built.directory.recipients.set('c1', {
      contactId: 'c1',
      email: EMAIL,
      phone: PHONE,
      preferences: { 'sms:newsletter': true, 'email:newsletter': true },
    });
    built.directory.holdAddress('sms', PHONE, 'c1');
    built.directory.holdAddress('email', EMAIL, 'c1');
  });

  it('replies once to a STOP delivered twice, and records one withdrawal', async () => {
    // Arrange
    const deps = smsDeps();
    const stop = { from: PHONE, body: 'STOP', messageId: 'inbound-1' };
    // Act
    await handleInboundSms(deps, stop);
    await handleInboundSms(deps, stop);
    // Assert
    expect(built.smsSender.sent).toHaveLength(1);
    expect(built.directory.ledger.filter((event) => event.channel === 'sms')).toHaveLength(1);
  });

  it('replies once to a HELP delivered twice', async () => {
    const deps = smsDeps();
    await handleInboundSms(deps, { from: PHONE, body: 'HELP', messageId: 'inbound-2' });
    await handleInboundSms(deps, { from: PHONE, body: 'HELP', messageId: 'inbound-2' });
    expect(built.smsSender.sent).toHaveLength(1);
  });

  it('counts a soft bounce delivered three times as one, and suppresses nothing', async () => {
    const deps = eventDeps();
    const bounce = {
      type: 'bounce' as const,
      bounceType: 'Transient',
      recipients: [EMAIL],
      feedbackId: 'feedback-1',
      at: NOW.toISOString(),
    };
    for (let delivery = 0; delivery < 3; delivery += 1) await handleEmailEvent(deps, bounce);
    expect(built.directory.suppressedKeys.size).toBe(0);
  });

  it('records one withdrawal for a complaint delivered twice', async () => {
    const deps = eventDeps();
    const complaint = { type: 'complaint' as const, recipients: [EMAIL], feedbackId: 'feedback-2', at: NOW.toISOString() };
    await handleEmailEvent(deps, complaint);
    await handleEmailEvent(deps, complaint);
    expect(built.directory.ledger.filter((event) => event.source === 'complaint')).toHaveLength(1);
    expect(built.directory.suppressedKeys.size).toBe(1);
  });
});
