import type { AudienceKey } from '../domain/campaigns/audience.js';

/** The sparse, sharded index of campaign audiences. */
export interface AudienceIndex {
  /** Adds and removes one contact's memberships. */
  update(contactId: string, added: readonly AudienceKey[], removed: readonly AudienceKey[]): Promise<void>;
  /** The members of one shard of one audience, page by page. */
  members(audience: AudienceKey, shard: number): AsyncIterable<string[]>;
}
