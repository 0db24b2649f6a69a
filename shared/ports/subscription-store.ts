import type { Channel, Topic } from '../domain/consent.js';

/**
 * Who a queued confirmation is capped under, kept on its outbox message: the mailbox it goes to
 * and the client that asked for it, both as hashed keys (`shared/domain/cap-keys.ts`).
 */
export interface ConfirmationSender {
  mailbox: string;
  client?: string;
}

/** Pending opt-in requests (sign-ups and consent boxes) and their confirmation messages. */
export interface SubscriptionStore {
  /** Creates a contact for an address never seen before, marked unconfirmed; no-op when it exists. */
  createUnconfirmedContact(contactId: string, email: string, name: string | undefined, at: string): Promise<void>;
  /**
   * Adds the topics to the pending sign-up. Also queues one confirmation message (an outbox record),
   * unless one was queued within `windowSeconds`; returns whether it queued one.
   */
  requestConfirmation(
    contactId: string,
    topics: readonly Topic[],
    at: string,
    windowSeconds: number,
    sender?: ConfirmationSender,
  ): Promise<boolean>;
  /**
   * Makes the same calls as `requestConfirmation`, so that it takes the same time, and records
   * nothing: for a sign-up that asks only for topics already confirmed (SPEC §2, timing).
   */
  requestNoConfirmation(contactId: string, at: string, windowSeconds: number, sender?: ConfirmationSender): Promise<void>;
  /**
   * The topics waiting for the address on `channel` to confirm (a link for email, a YES for a
   * number), or undefined when nothing is pending.
   */
  pendingTopics(contactId: string, channel?: Channel): Promise<Topic[] | undefined>;
  /** Ends a number's pending request once it has replied. */
  clearSmsPending(contactId: string): Promise<void>;
  /** Ends the pending sign-up and the contact's unconfirmed mark. */
  markConfirmed(contactId: string): Promise<void>;
}
