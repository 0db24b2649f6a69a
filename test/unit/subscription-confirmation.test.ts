import { beforeEach, describe, expect, it } from '@jest/globals';
import { clientKey, mailboxKey } from '../../shared/domain/cap-keys.js';
import { sendSubscriptionConfirmation } from '../../shared/domain/subscriptions/confirmation.js';
import type { SendConfirmationDeps } from '../../shared/domain/subscriptions/confirmation.js';
import {
  FakeClock,
  InMemorySendLimits,
  InMemorySubscriptions,
  TEST_BRAND,
  fixedSecrets,
  inMemoryGate,
} from '../fixtures/in-memory.js';

const NOW = new Date('2026-05-01T16:00:00.000Z');
const SALT = fixedSecrets().secrets.addressSalt;

describe('sendSubscriptionConfirmation', () => {
  let built: ReturnType<typeof inMemoryGate>;
  let subscriptions: InMemorySubscriptions;
  let deps: SendConfirmationDeps;

  /** A sign-up queued for `email` from `ip`, each address its own contact, as the form makes them. */
  const queued = (index: number, email: string, ip = '203.0.113.9') => {
    const contactId = `c${index}`;
    built.directory.recipients.set(contactId, { contactId, email, preferences: {} });
    subscriptions.request(contactId, 'email', ['newsletter']);
    return { contactId, dedupeKey: `outbox#${index}`, mailbox: mailboxKey(SALT, email), client: clientKey(SALT, ip) };
  };

  beforeEach(() => {
    built = inMemoryGate({ now: NOW });
    subscriptions = new InMemorySubscriptions();
    deps = {
      gate: built.gate,
      subscriptions,
      limits: new InMemorySendLimits(),
      secrets: built.secrets,
      brand: TEST_BRAND,
      clock: new FakeClock(NOW),
    };
  });

  it('sends one confirmation an hour to a mailbox, however many of its aliases sign up', async () => {
    // Act: plus-tags, Gmail's dots and its other domain, each from another client
    const aliases = ['bob+a@gmail.com', 'b.o.b@gmail.com', 'bob+z@googlemail.com', 'bob@gmail.com'];
    const outcomes = [];
    for (const [index, email] of aliases.entries())
      outcomes.push(await sendSubscriptionConfirmation(deps, queued(index, email, `198.51.100.${index}`)));
    // Assert
    expect(outcomes).toEqual(['sent', 'skipped_rate_limited', 'skipped_rate_limited', 'skipped_rate_limited']);
    expect(built.mailer.sent).toHaveLength(1);
  });

  it('caps the confirmations one client IP can cause in an hour, to any addresses', async () => {
    // Act
    for (let index = 0; index < 25; index += 1)
      await sendSubscriptionConfirmation(deps, queued(index, `person${index}@example.com`));
    // Assert
    expect(built.mailer.sent).toHaveLength(20);
  });

  it('sends a redelivered confirmation once, without spending another slot', async () => {
    // Arrange
    const message = queued(1, 'pat@example.com');
    // Act
    const first = await sendSubscriptionConfirmation(deps, message);
    const again = await sendSubscriptionConfirmation(deps, message);
    // Assert
    expect([first, again]).toEqual(['sent', 'already_sent']);
    expect(built.mailer.sent).toHaveLength(1);
  });
});
