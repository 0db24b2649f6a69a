import type { AuditLog } from '../../ports/audit-log.js';
import type { Clock } from '../../ports/clock.js';
import type { SupportRequestReads, SupportRequestSummary } from '../../ports/support-requests.js';
import { auditBeforeRelease, readsOfSubmissions } from '../audit.js';
import type { AuditedRequest } from '../audit.js';
import { ValidationError } from '../errors.js';
import type { StaffIdentity } from '../staff.js';
import { SUPPORT_STATUSES } from '../support/support-request.js';
import type { SupportStatus } from '../support/support-request.js';

/** The most support requests one response holds, so that a listing can never become a bulk export. */
export const MAX_SUPPORT_REQUESTS = 200;

export interface ListSupportRequestsDeps {
  reads: SupportRequestReads;
  audit: AuditLog;
  clock: Clock;
}

export interface SupportRequestListing {
  status: SupportStatus;
  supportRequests: SupportRequestSummary[];
  truncated: boolean;
}

/** The personal fields an audit names: those the listing shows. */
const AUDITED_FIELDS = ['name', 'email', 'phone'] as const;

function statusOf(value: string | undefined): SupportStatus {
  if (value === undefined) return 'open';
  const status = SUPPORT_STATUSES.find((known) => known === value);
  if (!status) throw new ValidationError([{ path: 'status', message: `must be one of ${SUPPORT_STATUSES.join(', ')}` }]);
  return status;
}

/**
 * Lists support requests by status (`open` by default), newest first and bounded, each with what
 * the person wrote and gave, unmasked, and its flags. Every contact whose details the response
 * shows is audited before any data leaves: no audit, no response.
 */
export async function listSupportRequests(
  deps: ListSupportRequestsDeps,
  staff: StaffIdentity,
  query: { status?: string },
  request: AuditedRequest,
): Promise<SupportRequestListing> {
  const status = statusOf(query.status);
  const found = await deps.reads.supportRequestsByStatus(status, MAX_SUPPORT_REQUESTS + 1);
  const supportRequests = found.slice(0, MAX_SUPPORT_REQUESTS);

  // The audit is written before the data leaves: no audit, no response (503).
  const at = deps.clock.now().toISOString();
  await auditBeforeRelease(deps.audit, readsOfSubmissions(supportRequests, AUDITED_FIELDS, staff, request, at));

  return { status, supportRequests, truncated: found.length > MAX_SUPPORT_REQUESTS };
}
