/** Keys that name an address without holding it: HMACs of the normalised email and the E.164 phone. */
export interface ContactKeys {
  emailKey?: string;
  phoneKey?: string;
}

/** The contact that holds each address, where one does. */
export interface AddressHolders {
  byEmail?: string;
  byPhone?: string;
}

/**
 * Which contact holds each address, and what a number said by text. An address belongs to exactly
 * one contact, the first that claimed it; nothing a form says moves it to another (SPEC §2).
 */
export interface AddressBook {
  /** The contacts that hold the given addresses. */
  holders(keys: ContactKeys): Promise<AddressHolders>;
  /**
   * Gives each address that no contact holds yet to `contactId`; returns who holds each afterwards,
   * so that of two requests racing for an address one wins and both see the winner.
   */
  claim(keys: ContactKeys, contactId: string): Promise<AddressHolders>;
  /** Records that the number texted STOP (or is on the SMS channel's opt-out list), whoever holds it. */
  markStopped(phoneKey: string, at: string): Promise<void>;
  /** Clears the STOP once the number itself texts START, UNSTOP or YES. */
  clearStopped(phoneKey: string): Promise<void>;
  isStopped(phoneKey: string): Promise<boolean>;
}
