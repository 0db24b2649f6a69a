import type { AuditLog } from '../../ports/audit-log.js';
import type { Clock } from '../../ports/clock.js';
import type { InquirySummary, StaffReads, SubmittedDetails } from '../../ports/staff-reads.js';
import { auditBeforeRelease, readsOfSubmissions } from '../audit.js';
import type { AuditedRequest } from '../audit.js';
import { ValidationError } from '../errors.js';
import type { StaffIdentity } from '../staff.js';

/** The widest range one request may list, so that a listing can never become a bulk export. */
export const MAX_RANGE_DAYS = 31;
/** The most inquiries one response holds. */
export const MAX_INQUIRIES = 500;

export interface ListInquiriesDeps {
  reads: StaffReads;
  audit: AuditLog;
  clock: Clock;
}

export interface InquiryListing {
  from: string;
  to: string;
  inquiries: InquirySummary[];
  truncated: boolean;
}

const DAY_MS = 24 * 3600 * 1000;

function dayOf(value: string | undefined, fallback: Date, path: string): Date {
  if (value === undefined) return fallback;
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) throw new ValidationError([{ path, message: 'must be a date as YYYY-MM-DD' }]);
  return parsed;
}

/** The personal fields an audit names: those the listing shows. */
const AUDITED_FIELDS = ['name', 'email', 'phone', 'companyName'] as const satisfies readonly (keyof SubmittedDetails)[];

/**
 * Lists the inquiries received between two UTC days (inclusive), each with what it carried (name,
 * email, phone, company as the form gave them, not what its contact holds, SPEC §2), and audits,
 * before any data leaves, every contact whose inquiries' unmasked data the response shows.
 */
export async function listInquiries(
  deps: ListInquiriesDeps,
  staff: StaffIdentity,
  query: { from?: string; to?: string },
  request: AuditedRequest,
): Promise<InquiryListing> {
  const now = deps.clock.now();
  const today = new Date(now.toISOString().slice(0, 10));
  const to = dayOf(query.to, today, 'to');
  const from = dayOf(query.from, new Date(to.getTime() - 6 * DAY_MS), 'from');
  const span = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (span < 1) throw new ValidationError([{ path: 'from', message: 'must not be after to' }]);
  if (span > MAX_RANGE_DAYS)
    throw new ValidationError([{ path: 'from', message: `the range may span at most ${MAX_RANGE_DAYS} days` }]);

  const days = Array.from({ length: span }, (_, index) => new Date(to.getTime() - index * DAY_MS).toISOString().slice(0, 10));
  const found = await deps.reads.inquiriesByDays(days, MAX_INQUIRIES + 1);
  const inquiries = found.slice(0, MAX_INQUIRIES);
  // The audit is written before the data leaves: no audit, no response (503).
  await auditBeforeRelease(deps.audit, readsOfSubmissions(inquiries, AUDITED_FIELDS, staff, request, now.toISOString()));

  return {
    from: from.toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
    inquiries,
    truncated: found.length > MAX_INQUIRIES,
  };
}
