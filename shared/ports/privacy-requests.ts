import type {
  PrivacyRequest,
  PrivacyRequestStatus,
  PrivacyStep,
  PrivacyTask,
  PrivacyTaskKind,
} from '../domain/privacy/privacy-request.js';

/** One change of a request: a step appended, and what else moves with it in the same write. */
export interface PrivacyTransition {
  /** The change applies only while the request is in one of these statuses. */
  from: readonly PrivacyRequestStatus[];
  to?: PrivacyRequestStatus;
  step: PrivacyStep;
  respondBy?: string;
  acknowledgedAt?: string;
  /** Applies only while the request has not been acknowledged (an acknowledgement is recorded once). */
  unacknowledged?: true;
  /** Removes the raw address: the request is closed and owes no more replies. */
  dropEmail?: true;
  /** A message the change owes, queued in the same transaction (the privacy outbox). */
  task?: PrivacyTaskKind;
}

/** Privacy requests with their clocks and steps, and the messages they owe. */
export interface PrivacyRequestStore {
  /** Stores a new request and queues its acknowledgement in one transaction. */
  create(request: PrivacyRequest, acknowledgement: Pick<PrivacyTask, 'mailbox' | 'client'>): Promise<void>;
  get(requestId: string): Promise<PrivacyRequest | undefined>;
  /** Applies a transition; false when the request is missing or not in a `from` status (nothing changes). */
  transition(requestId: string, change: PrivacyTransition): Promise<boolean>;
  /** Appends a step, whatever the status. */
  appendStep(requestId: string, step: PrivacyStep): Promise<void>;
  /** Requests, newest first, in one status or all; at most `limit`. */
  list(options: { status?: PrivacyRequestStatus; limit: number }): Promise<PrivacyRequest[]>;
}

/** One acknowledgement retry for an address whose acknowledgement was held back. */
export interface AcknowledgementRetry {
  /** The request the retry is queued under (the address's oldest held-back one). */
  requestId: string;
  emailKey: string;
  /** `YYYY-MM-DD` (UTC) of the run: one retry per address per day. */
  day: string;
  at: string;
}

/** Queues held-back acknowledgements again (the daily job). */
export interface AcknowledgementRetries {
  /** Queues the retry as a privacy task; false when the address already has one for that day. */
  queue(retry: AcknowledgementRetry): Promise<boolean>;
}

/**
 * The requests of a mailbox still waiting for an acknowledgement, for the privacy outbox: apart
 * from the store, so that only the outbox carries the index's pruning (DeleteItem).
 */
export interface WaitingAcknowledgements {
  /**
   * The requests of one mailbox (its salted key: every alias of the address) still
   * `pending_verification` and not yet acknowledged, oldest first, at most `limit`; read from the
   * mailbox's own index, never a scan.
   */
  awaitingAcknowledgement(mailboxKey: string, limit: number): Promise<PrivacyRequest[]>;
  /**
   * Fixes which requests the acknowledgement sent under `dedupeKey` lists: the first call stores
   * `requestIds` and every later call (a redelivered task) gets the stored list back.
   */
  fixDigest(dedupeKey: string, requestIds: readonly string[], at: string): Promise<string[]>;
}
