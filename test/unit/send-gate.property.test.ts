import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { CHANNELS, TOPICS, planConsentChange } from '../../shared/domain/consent.js';
import type { Channel, Topic } from '../../shared/domain/consent.js';
import { handleEmailEvent } from '../../shared/domain/email-events/handle-email-event.js';
import type { Category } from '../../shared/domain/messages.js';
import { FakeClock, fixedPolicy, inMemoryGate } from '../fixtures/in-memory.js';

const EMAIL = 'pat@example.com';
const PHONE = '+12025550143';
// 17:00 UTC: 12:00 in New York, inside the SMS sending window.
const NOON_EASTERN = new Date('2026-03-10T17:00:00Z');

type Operation =
  | { op: 'grant' | 'withdraw'; channel: Channel; topic: Topic }
  | { op: 'withdrawAll'; channel: Channel }
  | { op: 'hardBounce' | 'complaint' | 'softBounce' }
  | { op: 'send'; channel: Channel; category: Category };

const channel = fc.constantFrom(...CHANNELS);
const topic = fc.constantFrom(...TOPICS);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constantFrom('grant' as const, 'withdraw' as const), channel, topic }),
  fc.record({ op: fc.constant('withdrawAll' as const), channel }),
  fc.record({ op: fc.constantFrom('hardBounce' as const, 'complaint' as const, 'softBounce' as const) }),
  fc.record({
    op: fc.constant('send' as const),
    channel,
    category: fc.constantFrom<Category>('transactional', 'service_notice', 'legal_notice', ...TOPICS),
  }),
);

/** What SPEC §2 says may be sent, tracked independently of the code under test. */
class Model {
  granted = new Set<string>();
  emailOptOutAll = false;
  emailSuppressed = false;
  softBounces = 0;

  apply(operation: Operation): void {
    switch (operation.op) {
      case 'grant':
        this.granted.add(`${operation.channel}:${operation.topic}`);
        if (operation.channel === 'email') this.emailOptOutAll = false;
        break;
      case 'withdraw':
        this.granted.delete(`${operation.channel}:${operation.topic}`);
        break;
      case 'withdrawAll':
        for (const t of TOPICS) this.granted.delete(`${operation.channel}:${t}`);
        if (operation.channel === 'email') this.emailOptOutAll = true;
        break;
      case 'complaint':
      case 'hardBounce':
        this.apply({ op: 'withdrawAll', channel: 'email' });
        this.emailSuppressed = true;
        break;
      case 'softBounce':
        this.softBounces += 1;
        if (this.softBounces >= 3) this.emailSuppressed = true;
        break;
      case 'send':
        break;
    }
  }

  mayReceive(channel: Channel, category: Category): boolean {
    if (channel === 'email' && this.emailSuppressed) return false;
    const anySms = TOPICS.some((t) => this.granted.has(`sms:${t}`));
    if (category === 'transactional') return channel === 'email' || anySms;
    if (category === 'service_notice') return channel === 'email' ? !this.emailOptOutAll : anySms;
    // A legal notice (transfer of ownership) reaches every held email address, opted out of all email or not.
    if (category === 'legal_notice') return channel === 'email' || anySms;
    return this.granted.has(`${channel}:${category}`) && !(channel === 'email' && this.emailOptOutAll);
  }
}

describe('send gate (property)', () => {
  it('never sends a message whose scope was withdrawn or suppressed, and sends every message that is allowed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (operations) => {
        // Arrange: one contact with both addresses, no consent, in New York
        const { gate, directory, secrets, mailer, smsSender } = inMemoryGate({ now: NOON_EASTERN });
        directory.recipients.set('c1', {
          contactId: 'c1',
          email: EMAIL,
          phone: PHONE,
          preferences: {},
          timeZone: 'America/New_York',
        });
        directory.holdAddress('email', EMAIL, 'c1');
        const clock = new FakeClock(NOON_EASTERN);
        const eventDeps = {
          addresses: directory,
          directory,
          consent: directory,
          suppressions: directory,
          secrets,
          clock,
          policy: fixedPolicy('v1'),
        };
        const model = new Model();
        let sends = 0;

        for (const [index, step] of operations.entries()) {
          const at = new Date(NOON_EASTERN.getTime() + index * 1000).toISOString();
          if (step.op === 'grant' || step.op === 'withdraw' || step.op === 'withdrawAll') {
            // Act: the same planning and store the preference center, keywords and unsubscribe use
            const recipient = await directory.getRecipient('c1');
            const change =
              step.op === 'withdrawAll'
                ? { channel: step.channel, topics: TOPICS, action: 'withdraw' as const, allOfChannel: true }
                : { channel: step.channel, topics: [step.topic], action: step.op };
            const { events, next } = planConsentChange(
              { preferences: recipient?.preferences ?? {}, emailOptOutAll: recipient?.emailOptOutAll ?? false },
              [change],
              { source: 'preference_center', at, policyVersion: 'v1', wording: 'test' },
            );
            await directory.recordConsent('c1', events, next);
          } else if (step.op !== 'send') {
            // Act: SES events through their real use case
            await handleEmailEvent(eventDeps, {
              type: step.op === 'complaint' ? 'complaint' : 'bounce',
              bounceType: step.op === 'softBounce' ? 'Transient' : 'Permanent',
              recipients: [EMAIL],
              feedbackId: `feedback-${index}`,
              at,
            });
          } else {
            // Act: a message of this scope
            const before = mailer.sent.length + smsSender.sent.length;
            const base = { audience: 'contact' as const, contactId: 'c1', category: step.category, dedupeKey: `send-${index}` };
            const outcome =
              step.channel === 'email'
                ? await gate.send({ ...base, channel: 'email', body: { subject: 'S', text: 'T', html: '<p>T</p>' } })
                : await gate.send({ ...base, channel: 'sms', body: { text: 'T' } });
            const delivered = mailer.sent.length + smsSender.sent.length - before;
            // Assert: sent exactly when the rules allow it
            // fast-check prints the whole operation sequence that led here when this fails.
            expect({ step, sent: outcome === 'sent' }).toEqual({ step, sent: model.mayReceive(step.channel, step.category) });
            expect(delivered).toBe(outcome === 'sent' ? 1 : 0);
            sends += delivered;
          }
          model.apply(step);
        }
        expect(sends).toBe(mailer.sent.length + smsSender.sent.length);
      }),
      { numRuns: 300 },
    );
  });
});
