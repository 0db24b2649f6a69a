/**
 * What a verified privacy request does to the data held under one address: export it, or erase
 * it. The contacts capability implements both (`buildContactExport`, `eraseContact`); the privacy
 * use cases hold only these ports, one per function that needs it, so that each bundle carries
 * only its own.
 */

/** What an erasure did, told to the person in their receipt. */
export interface ErasureSummary {
  /** What was erased, in words a person reads ("your contact record", "3 inquiries you sent us"). */
  erased: string[];
  /** What is kept, each with why. */
  kept: { what: string; why: string }[];
  /** When the erased data has left every backup too. */
  backupsRollOffBy: string;
}

/** The access export of one address. */
export interface SubjectExport {
  /** Everything held under the contact's email address, other addresses masked (SPEC §3 Access). */
  exportFor(contactId: string): Promise<unknown>;
}

/** The erasure of one address. */
export interface SubjectErasure {
  /**
   * What erasing the data held under the contact's email address would erase and keep, changing
   * nothing: the receipt is rendered from it before the erasure runs.
   */
  previewErasure(contactId: string, requestId: string): Promise<ErasureSummary>;
  /** Erases the personal data held under the contact's email address, keeping its suppression tombstone. */
  eraseFor(contactId: string, requestId: string): Promise<ErasureSummary>;
}
