import type { AuditLog } from '../../ports/audit-log.js';
import type { Clock } from '../../ports/clock.js';
import type { PrivacyRequestStore } from '../../ports/privacy-requests.js';
import type { AuditEntry } from '../audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { StaffIdentity } from '../staff.js';
import { dueState, ExtensionNotAllowedError, extendedRespondBy, MAX_RESPOND_DAYS } from './clocks.js';
import type { DueState } from './clocks.js';
import { OPEN_STATUSES, PRIVACY_REQUEST_STATUSES } from './privacy-request.js';
import type { PrivacyRequest, PrivacyRequestStatus, PrivacyStep } from './privacy-request.js';

export interface AdminPrivacyDeps {
  requests: PrivacyRequestStore;
  audit: AuditLog;
  clock: Clock;
  timeZone: string;
}

/** The most requests one listing holds. */
export const MAX_LISTED = 200;

/** A request as staff see it: clocks with near/past flags, the address masked, never raw. */
export interface PrivacyRequestView {
  requestId: string;
  type: PrivacyRequest['type'];
  status: PrivacyRequestStatus;
  maskedEmail: string;
  contactId?: string;
  details?: string;
  receivedAt: string;
  acknowledgeBy: string;
  acknowledgedAt?: string;
  respondBy: string;
  due: { acknowledge: DueState | 'met'; respond: DueState | 'met' };
  steps: PrivacyStep[];
}

/** Where a request's two clocks stand at `now`: met, or ok, near or past. */
export function dueFlags(request: PrivacyRequest, now: Date, timeZone: string): PrivacyRequestView['due'] {
  const open = OPEN_STATUSES.includes(request.status);
  return {
    acknowledge: request.acknowledgedAt || !open ? 'met' : dueState(request.acknowledgeBy, now, timeZone),
    respond: open ? dueState(request.respondBy, now, timeZone) : 'met',
  };
}

function viewOf(request: PrivacyRequest, now: Date, timeZone: string): PrivacyRequestView {
  return {
    requestId: request.requestId,
    type: request.type,
    status: request.status,
    maskedEmail: request.maskedEmail,
    ...(request.contactId ? { contactId: request.contactId } : {}),
    ...(request.details ? { details: request.details } : {}),
    receivedAt: request.receivedAt,
    acknowledgeBy: request.acknowledgeBy,
    ...(request.acknowledgedAt ? { acknowledgedAt: request.acknowledgedAt } : {}),
    respondBy: request.respondBy,
    due: dueFlags(request, now, timeZone),
    steps: request.steps,
  };
}

/** Reads the `status` filter of a listing; undefined lists every status. */
export function statusFilter(value: string | undefined): PrivacyRequestStatus | undefined {
  if (value === undefined || value === '') return undefined;
  if (!PRIVACY_REQUEST_STATUSES.includes(value as PrivacyRequestStatus))
    throw new ValidationError([{ path: 'status', message: `must be one of ${PRIVACY_REQUEST_STATUSES.join(', ')}` }]);
  return value as PrivacyRequestStatus;
}

/**
 * `GET /admin/privacy-requests?status=`: the requests with their clocks, newest first, addresses
 * masked. A correction's `details` is what the person typed, which may hold personal data, so the
 * contacts whose details are shown are audited before the listing leaves.
 */
export async function listPrivacyRequests(
  deps: AdminPrivacyDeps,
  staff: StaffIdentity,
  status: PrivacyRequestStatus | undefined,
  http: { requestId: string; reason?: string },
): Promise<{ requests: PrivacyRequestView[] }> {
  const now = deps.clock.now();
  const requests = await deps.requests.list({ ...(status ? { status } : {}), limit: MAX_LISTED });
  const withDetails = [...new Set(requests.filter((request) => request.details && request.contactId).map((r) => r.contactId))];
  const entries: AuditEntry[] = withDetails.flatMap((contactId) =>
    contactId
      ? [
          {
            contactId,
            actor: staff.sub,
            roles: staff.roles,
            action: 'read' as const,
            fields: ['privacy_request.details'],
            requestId: http.requestId,
            at: now.toISOString(),
            ...(http.reason ? { reason: http.reason } : {}),
          },
        ]
      : [],
  );
  if (entries.length > 0) await deps.audit.record(entries);
  return { requests: requests.map((request) => viewOf(request, now, deps.timeZone)) };
}

async function openRequest(deps: AdminPrivacyDeps, requestId: string): Promise<PrivacyRequest> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new NotFoundError('No privacy request has this id.');
  return request;
}

function auditChange(
  deps: AdminPrivacyDeps,
  staff: StaffIdentity,
  request: PrivacyRequest,
  field: string,
  http: { requestId: string },
) {
  if (!request.contactId) return Promise.resolve();
  return deps.audit.record([
    {
      contactId: request.contactId,
      actor: staff.sub,
      roles: staff.roles,
      action: 'update',
      fields: [field],
      requestId: http.requestId,
      at: deps.clock.now().toISOString(),
    },
  ]);
}

/**
 * Marks a verified request done (a correction staff applied through `PATCH /admin/contacts/{id}`,
 * or a request staff answered by hand) and queues the notice that tells the person, in one write.
 * The raw address leaves the record with it.
 */
export async function completePrivacyRequest(
  deps: AdminPrivacyDeps,
  staff: StaffIdentity,
  requestId: string,
  input: { note?: string },
  http: { requestId: string },
): Promise<PrivacyRequestView> {
  const request = await openRequest(deps, requestId);
  if (request.status !== 'verified' && request.status !== 'extended')
    throw new ConflictError(`Only a verified request can be completed; this one is ${request.status}.`);
  await auditChange(deps, staff, request, 'privacy_request.status', http);
  const done = await deps.requests.transition(requestId, {
    from: ['verified', 'extended'],
    to: 'completed',
    step: { at: deps.clock.now().toISOString(), step: 'completed', by: staff.sub, ...(input.note ? { note: input.note } : {}) },
    dropEmail: true,
    task: 'completion_notice',
  });
  if (!done) throw new ConflictError('The request changed meanwhile; reload it.');
  return viewOf(await openRequest(deps, requestId), deps.clock.now(), deps.timeZone);
}

/**
 * Extends the answer date of a verified request to `days` from receipt (default and at most 90),
 * with a reason, and queues the notice that tells the person why, in one write (11 CCR §7021(b)).
 */
export async function extendPrivacyRequest(
  deps: AdminPrivacyDeps,
  staff: StaffIdentity,
  requestId: string,
  input: { reason: string; days?: number },
  http: { requestId: string },
): Promise<PrivacyRequestView> {
  const request = await openRequest(deps, requestId);
  if (request.status !== 'verified' && request.status !== 'extended')
    throw new ConflictError(`Only a verified request can be extended; this one is ${request.status}.`);
  let respondBy: string;
  try {
    respondBy = extendedRespondBy(request, input.days ?? MAX_RESPOND_DAYS, deps.timeZone);
  } catch (error) {
    if (error instanceof ExtensionNotAllowedError) throw new ValidationError([{ path: 'days', message: error.message }]);
    throw error;
  }
  await auditChange(deps, staff, request, 'privacy_request.respondBy', http);
  const done = await deps.requests.transition(requestId, {
    from: ['verified', 'extended'],
    to: 'extended',
    step: { at: deps.clock.now().toISOString(), step: 'extended', by: staff.sub, note: input.reason },
    respondBy,
    task: 'extension_notice',
  });
  if (!done) throw new ConflictError('The request changed meanwhile; reload it.');
  return viewOf(await openRequest(deps, requestId), deps.clock.now(), deps.timeZone);
}
