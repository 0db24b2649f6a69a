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
  /**
   * The registered recipient a staff email discloses the contact's data to: its send, once
   * recorded sent, is also recorded on the contact as a disclosure.
   */
  recipientId?: string;
  campaignId?: string;
  at: string;
}

/**
 * Result of trying to claim a send: only the caller that claimed may call the provider. An
 * `in_flight` claim names when its lease ends (epoch seconds), so that a retry can wait for it.
 * An `already_sent` record that no sender has counted yet (the provider's record marked it sent
 * after its sender died) says so, so that the retry counts it once.
 */
export type ClaimResult =
  { state: 'claimed' } | { state: 'already_sent'; counted: boolean } | { state: 'in_flight'; leaseUntil: number };

/** Which send record a provider's own record (an SES `Send` event) belongs to. */
export interface SendRef {
  contactId: string;
  dedupeKey: string;
}

/**
 * What recording a provider's own record of a send did: marked the record sent (`recorded`),
 * found it sent under the same provider id (`already_recorded`), found it sent under another
 * provider id (`duplicate`: the message went out twice), or found no such record (`unknown`).
 */
export type ProviderSendOutcome = 'recorded' | 'already_recorded' | 'duplicate' | 'unknown';

/**
 * The deduplicating send record and message log. A claim is a conditional write, so a stream
 * record or queue message delivered twice sends nothing twice.
 */
export interface SendLedger {
  claim(claim: SendClaim, leaseSeconds: number): Promise<ClaimResult>;
  /**
   * Records the provider's acceptance (`providerMessageId` undefined: keeps the one the provider's
   * record gave); true when this call is the first to count the send (for progress counts).
   */
  markSent(claim: SendClaim, providerMessageId: string | undefined, at: string): Promise<boolean>;
  /** Records a failed attempt and frees the claim, so that the retry may send. A record already sent stays sent. */
  markFailed(claim: SendClaim, reason: string, at: string): Promise<void>;
  /**
   * Records a decision not to send (opted out, suppressed, deferred) in the message log; true
   * when this is news (no record, or one with another skip), so that progress counts it once.
   */
  markSkipped(claim: SendClaim, status: string, at: string): Promise<boolean>;
  /**
   * Records the provider's own record of an accepted message (an SES `Send` event carrying the
   * send's tag): the send record becomes sent even when the sender died before it could say so,
   * so that no retry sends it again.
   */
  recordProviderSend(ref: SendRef, providerMessageId: string, at: string): Promise<ProviderSendOutcome>;
}
