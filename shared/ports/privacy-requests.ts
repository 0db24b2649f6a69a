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
