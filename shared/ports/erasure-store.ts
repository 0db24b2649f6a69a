import type { Channel } from '../domain/consent.js';

/** One item of a contact's partition as stored: its sort key and its attributes, as plain data. */
export type PartitionItem = Record<string, unknown> & { sk: string };

/**
 * The writes an erasure makes in a contact's partition and its address lookups. Every write is
 * idempotent, so that a retry after a crash at any point converges on the same end state.
 */
export interface ErasureStore {
  /** Every item under `CONTACT#<contactId>`, read by its key (never a Scan), strongly consistent. */
  partition(contactId: string): Promise<PartitionItem[]>;
  /** Writes one partition item whole, replacing what was there (a rewrite without personal data, the erasure record). */
  put(contactId: string, item: PartitionItem): Promise<void>;
  /** Deletes one partition item; deleting what is gone already is no error. */
  delete(contactId: string, sk: string): Promise<void>;
  /** Removes attributes from one partition item if it still exists (the profile's fields of one address). */
  removeAttributes(contactId: string, sk: string, attributes: readonly string[]): Promise<void>;
  /** Deletes an address lookup only while it still points at this contact. */
  deleteLookup(channel: Channel, addressKey: string, contactId: string): Promise<void>;
}
