import type { ConsentEvent, ConsentState } from '../domain/consent.js';

/** Writes consent changes: the ledger records and the current state beside them, in one transaction. */
export interface ConsentStore {
  /** Appends the events and sets the state the contact now has; throws ContactNotFoundError when it is gone. */
  recordConsent(contactId: string, events: readonly ConsentEvent[], next: ConsentState): Promise<void>;
}

/** The contact does not exist (never did, or was erased). */
export class ContactNotFoundError extends Error {
  constructor() {
    super('No such contact');
    this.name = 'ContactNotFoundError';
  }
}
