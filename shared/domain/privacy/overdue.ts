import type { Clock } from '../../ports/clock.js';
import type { AcknowledgementRetries, PrivacyRequestStore } from '../../ports/privacy-requests.js';
import { dueFlags } from './admin-privacy-requests.js';
import { OPEN_STATUSES } from './privacy-request.js';
import type { PrivacyRequest } from './privacy-request.js';

/** The log message of a privacy request near or past a due date; a metric filter on it raises the alarm. */
export const PRIVACY_REQUEST_DUE = 'PRIVACY_REQUEST_DUE';

/**
 * Every open request is looked at, however many: a cap on the newest would let a flood of new
 * requests hide the oldest, which are the ones due.
 */
const ALL = Number.POSITIVE_INFINITY;

/** One request the daily check found near or past a due date (ids and dates only, no address). */
export interface DueRequest {
  requestId: string;
  type: string;
  status: string;
  clock: 'acknowledge' | 'respond';
  state: 'near' | 'past';
  dueBy: string;
}

/**
 * The daily check of the legal clocks: every open request whose acknowledgement (not yet sent) or
 * answer is due within 2 business days or overdue. Each is reported to `alert`, which logs the
 * line the alarm watches; staff find the same flags in `GET /admin/privacy-requests`.
 */
export async function findDuePrivacyRequests(
  deps: { requests: Pick<PrivacyRequestStore, 'list'>; clock: Clock; timeZone: string },
  alert: (due: DueRequest) => void,
): Promise<DueRequest[]> {
  const now = deps.clock.now();
  const open = (await Promise.all(OPEN_STATUSES.map((status) => deps.requests.list({ status, limit: ALL })))).flat();
  const found: DueRequest[] = [];
  for (const request of open) {
    const flags = dueFlags(request, now, deps.timeZone);
    for (const clock of ['acknowledge', 'respond'] as const) {
      const state = flags[clock];
      if (state !== 'near' && state !== 'past') continue;
      const due: DueRequest = {
        requestId: request.requestId,
        type: request.type,
        status: request.status,
        clock,
        state,
        dueBy: clock === 'acknowledge' ? request.acknowledgeBy : request.respondBy,
      };
      found.push(due);
      alert(due);
    }
  }
  return found;
}

/**
 * A held-back acknowledgement is sent later, never dropped: for each address with a request still
 * `pending_verification`, not acknowledged and held back, the daily job queues one acknowledgement
 * task under the oldest such request (whose acknowledgement lists the address's other waiting
 * requests too). One retry per address per day, however often the job runs, and the mailbox's
 * hourly cap still applies when it is sent. Returns the request ids queued for.
 */
export async function queueHeldBackAcknowledgements(deps: {
  requests: Pick<PrivacyRequestStore, 'list'>;
  retries: AcknowledgementRetries;
  clock: Clock;
}): Promise<string[]> {
  const now = deps.clock.now();
  const pending = await deps.requests.list({ status: 'pending_verification', limit: ALL });
  const oldestByAddress = new Map<string, PrivacyRequest & { email: string }>();
  // Newest first: the last one met per address is its oldest.
  for (const request of pending) {
    if (request.acknowledgedAt || !request.contactId || !request.email) continue;
    if (!request.steps.some((step) => step.step === 'acknowledgement_held_back')) continue;
    // Its contact no longer holds the address it named: no acknowledgement can go anywhere.
    if (request.steps.some((step) => step.step === 'acknowledgement_not_sent')) continue;
    oldestByAddress.set(request.emailKey, { ...request, email: request.email });
  }
  const queued: string[] = [];
  for (const request of oldestByAddress.values()) {
    const fresh = await deps.retries.queue({
      requestId: request.requestId,
      emailKey: request.emailKey,
      day: now.toISOString().slice(0, 10),
      at: now.toISOString(),
    });
    if (fresh) queued.push(request.requestId);
  }
  return queued;
}
