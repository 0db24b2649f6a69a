import type { Channel } from '../domain/consent.js';
import type { Category } from '../domain/messages.js';

/** One message attempt as the message log keeps it. No address or content is kept here. */
export interface SendClaim {
  dedupeKey: string;
  contactId: string;
  channel: Channel;
  category: Category;
  /** Who the message goes to: the contact, or a staff mailbox. */
  audience: 'contact' | 'staff';
  campaignId?: string;
  at: string;
}

/** Result of trying to claim a send: only the caller that claimed may call the provider. */
export type ClaimResult = 'claimed' | 'already_sent' | 'in_flight';

/**
 * The deduplicating send record and message log. A claim is a conditional write, so a stream
 * record or queue message delivered twice sends nothing twice.
 */
export interface SendLedger {
  claim(claim: SendClaim, leaseSeconds: number): Promise<ClaimResult>;
  markSent(claim: SendClaim, providerMessageId: string, at: string): Promise<void>;
  /** Records a failed attempt and frees the claim, so that the retry may send. */
  markFailed(claim: SendClaim, reason: string, at: string): Promise<void>;
  /**
   * Records a decision not to send (opted out, suppressed, deferred) in the message log; true
   * when this is news (no record, or one with another skip), so that progress counts it once.
   */
  markSkipped(claim: SendClaim, status: string, at: string): Promise<boolean>;
}
