import type { PrivacyClocks } from './clocks.js';

/**
 * A privacy request (SPEC §3 `POST /privacy-requests`) and its life. The record is about an
 * address, so it holds the address as its salted HMAC and masked form; the raw address only while
 * the request is open (it is the address the person asked from), removed when the request closes.
 */

export const PRIVACY_REQUEST_TYPES = ['access', 'correction', 'deletion'] as const;
export type PrivacyRequestType = (typeof PRIVACY_REQUEST_TYPES)[number];

/**
 * - `pending_verification`: received and acknowledged; waits for the person's confirm click.
 * - `verified`: confirmed from the address; the system or staff act on it.
 * - `extended`: verified, with the answer date moved (at most 90 days from receipt).
 * - `completed`: answered (export sent, data erased, correction applied).
 * - `not_held`: the system holds nothing under the address: nothing was sent, nothing to do.
 */
export const PRIVACY_REQUEST_STATUSES = ['pending_verification', 'verified', 'extended', 'completed', 'not_held'] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];

/** The statuses in which the clocks still run. */
export const OPEN_STATUSES: readonly PrivacyRequestStatus[] = ['pending_verification', 'verified', 'extended'];

/** One step in a request's life, appended and never rewritten. */
export interface PrivacyStep {
  at: string;
  step:
    | 'received'
    | 'acknowledged'
    | 'acknowledgement_held_back'
    | 'acknowledgement_not_sent'
    | 'verified'
    | 'export_link_sent'
    | 'erasure_receipt_sent'
    | 'erased'
    | 'queued_for_staff'
    | 'extended'
    | 'completed'
    | 'completion_notice_sent'
    | 'extension_notice_sent';
  /** Staff member (Cognito sub) or `system`. */
  by?: string;
  note?: string;
}

export interface PrivacyRequest extends PrivacyClocks {
  requestId: string;
  type: PrivacyRequestType;
  status: PrivacyRequestStatus;
  /** Salted HMAC of the normalised address (`shared/domain/address-key.ts`). */
  emailKey: string;
  /**
   * The salted key of the mailbox the address reaches (`shared/domain/cap-keys.ts`: its `+tag` and
   * Gmail-dot aliases share it), under which the requests waiting for an acknowledgement are indexed.
   */
  mailboxKey?: string;
  maskedEmail: string;
  /** The raw address, only while the request is open. */
  email?: string;
  /** The contact that held the address when the request arrived. */
  contactId?: string;
  /** What a correction asks to change. */
  details?: string;
  acknowledgedAt?: string;
  steps: PrivacyStep[];
}

/** A message a request owes, queued with the change that owes it and sent by the privacy outbox. */
export type PrivacyTaskKind = 'acknowledgement' | 'access_export' | 'deletion' | 'completion_notice' | 'extension_notice';

export interface PrivacyTask {
  requestId: string;
  kind: PrivacyTaskKind;
  /** One key per queued task, so that a redelivered record sends nothing twice. */
  dedupeKey: string;
  /** Cap keys of the acknowledgement (`shared/domain/cap-keys.ts`). */
  mailbox?: string;
  client?: string;
}
