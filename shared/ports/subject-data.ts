/**
 * What a verified privacy request does to the data held under one address: export it, or erase
 * it. The contacts and erasure capabilities implement these (`buildContactExport`,
 * `eraseContact`); the privacy use cases only hold this port.
 */

/** What an erasure did, told to the person in their receipt. */
export interface ErasureSummary {
  /** What was erased, in words a person reads ("your name and email address", "3 inquiries"). */
  erased: string[];
  /** What is kept, each with why. */
  kept: { what: string; why: string }[];
  /** When the erased data has left every backup too. */
  backupsRollOffBy: string;
}

/** An operation the deployment cannot carry out yet: the request stays with staff (fail closed). */
export class SubjectOperationUnavailableError extends Error {
  constructor(operation: 'export' | 'erase') {
    super(`The ${operation} of a contact's data is not available in this build`);
    this.name = 'SubjectOperationUnavailableError';
  }
}

export interface SubjectData {
  /** Whether each operation is available; one that is not leaves the request verified for staff. */
  readonly available: { export: boolean; erase: boolean };
  /** Everything held under the contact's email address, other addresses masked (SPEC §3 Access). */
  exportFor(contactId: string): Promise<unknown>;
  /**
   * What erasing the data held under the contact's email address would erase and keep, changing
   * nothing: the receipt is rendered from it before the erasure runs.
   */
  previewErasure(contactId: string, requestId: string): Promise<ErasureSummary>;
  /** Erases the personal data held under the contact's email address, keeping its suppression tombstone. */
  eraseFor(contactId: string, requestId: string): Promise<ErasureSummary>;
}
