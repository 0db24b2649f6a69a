import type { Channel, Preferences } from '../domain/consent.js';

/** What the send gate reads about a contact at the moment of sending. */
export interface Recipient {
  contactId: string;
  name?: string;
  email?: string;
  phone?: string;
  preferences: Preferences;
  /** Set by "Unsubscribe from all email": blocks service notices as well as every topic. */
  emailOptOutAll?: boolean;
  timeZone?: string;
}

/** Reads recipients and the suppression list for the send gate. */
export interface RecipientDirectory {
  getRecipient(contactId: string): Promise<Recipient | undefined>;
  isSuppressed(channel: Channel, address: string): Promise<boolean>;
}
