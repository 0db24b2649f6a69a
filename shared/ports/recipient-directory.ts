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
  /** When the contact was created: after an erasure of its address, it is that address asking again. */
  createdAt?: string;
  /**
   * When staff last set the email (a correction), and the phone: an untagged link issued before
   * was sent to the address it replaced, and is refused (`preferences/links.ts`).
   */
  emailSetAt?: string;
  phoneSetAt?: string;
}

/** The address-level facts the gate checks before any message. */
export interface AddressStatus {
  suppressed: boolean;
  stopped: boolean;
  /**
   * Set when the suppression is only an erasure's tombstone, to the erasure's time: it holds for
   * every contact older than the erasure, and not for one the address created since by asking
   * again (a new inquiry, sign-up or request, SPEC §4 "Erasure"). A bounce or complaint holds always.
   */
  erasedAt?: string;
}

/**
 * A recipient as read for one send, with the status of the address the sender expected them to
 * hold when it is the address they do hold (undefined otherwise: the gate then reads the status
 * of the address they hold).
 */
export interface RecipientForSend {
  recipient?: Recipient;
  status?: AddressStatus;
}

/** Reads recipients and the suppression list for the send gate. */
export interface RecipientDirectory {
  getRecipient(contactId: string): Promise<Recipient | undefined>;
  /**
   * What holds for the address itself, whoever holds it: suppressed (bounce, complaint, erasure),
   * and for a number, stopped (it texted STOP and has not texted START, UNSTOP or YES since).
   */
  addressStatus(channel: Channel, address: string): Promise<AddressStatus>;
  /**
   * The recipient, and, when `expectedAddress` (the address the sender expects them to hold on
   * `channel`, e.g. the one typed into the form) is the address they hold, its status: both in
   * one round trip. Only a hint: the status of any other address is never returned for theirs.
   */
  recipientForSend(contactId: string, channel: Channel, expectedAddress?: string): Promise<RecipientForSend>;
}
