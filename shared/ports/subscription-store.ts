import type { Topic } from '../domain/consent.js';

/** Pending newsletter sign-ups and their confirmation messages. */
export interface SubscriptionStore {
  /** Creates a contact for an address never seen before, marked unconfirmed; no-op when it exists. */
  createUnconfirmedContact(contactId: string, email: string, name: string | undefined, at: string): Promise<void>;
  /**
   * Adds the topics to the pending sign-up. Also queues one confirmation message (an outbox record),
   * unless one was queued within `windowSeconds`; returns whether it queued one.
   */
  requestConfirmation(contactId: string, topics: readonly Topic[], at: string, windowSeconds: number): Promise<boolean>;
  /** The topics waiting for confirmation, or undefined when nothing is pending. */
  pendingTopics(contactId: string): Promise<Topic[] | undefined>;
  /** Ends the pending sign-up and the contact's unconfirmed mark. */
  markConfirmed(contactId: string): Promise<void>;
}
