import type { AuditedRequest } from '../domain/audit.js';
import { header } from './headers.js';
import type { HttpEvent } from './types.js';

/** The longest `X-Access-Reason` an audit entry keeps. */
const MAX_REASON_LENGTH = 500;

/**
 * The request id and the `X-Access-Reason` header (SPEC §4) that every audit entry of this
 * request names; `fallbackReason` stands in when the header is absent or blank.
 */
export function auditedRequest(event: HttpEvent, fallbackReason?: string): AuditedRequest {
  const reason = header(event, 'x-access-reason')?.trim().slice(0, MAX_REASON_LENGTH) || fallbackReason;
  return { requestId: event.requestContext.requestId, ...(reason ? { reason } : {}) };
}
