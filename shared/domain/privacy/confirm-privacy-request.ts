import type { AddressBook } from '../../ports/address-book.js';
import type { AuditLog } from '../../ports/audit-log.js';
import type { Clock } from '../../ports/clock.js';
import type { PrivacyRequestStore } from '../../ports/privacy-requests.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SubjectExport } from '../../ports/subject-data.js';
import { LinkNotValidError, NotFoundError } from '../errors.js';
import { verifyLink } from '../preferences/links.js';
import type { PrivacyRequest, PrivacyRequestStatus, PrivacyRequestType, PrivacyTaskKind } from './privacy-request.js';

export interface ConfirmPrivacyDeps {
  requests: Pick<PrivacyRequestStore, 'get' | 'transition'>;
  addresses: Pick<AddressBook, 'holders'>;
  secrets: SecretsSource;
  clock: Clock;
}

/** What the confirm page shows: the request's kind, its masked address and where it stands. */
export interface PrivacyConfirmView {
  type: PrivacyRequestType;
  maskedEmail: string;
  status: PrivacyRequestStatus;
}

/**
 * The request a link names, if the link's contact still holds the request's address: a token is
 * scoped to one request and one address, so a link whose contact no longer holds that address (it
 * was corrected or erased) opens nothing.
 */
async function requestOfLink(
  deps: ConfirmPrivacyDeps,
  claims: { contactId: string; requestId: string },
): Promise<PrivacyRequest & { contactId: string }> {
  const request = await deps.requests.get(claims.requestId);
  if (!request || request.contactId !== claims.contactId) throw new LinkNotValidError(false);
  const { byEmail } = await deps.addresses.holders({ emailKey: request.emailKey });
  if (byEmail !== claims.contactId) throw new NotFoundError('We hold no data for this link any more.');
  return { ...request, contactId: claims.contactId };
}

const view = (request: PrivacyRequest): PrivacyConfirmView => ({
  type: request.type,
  maskedEmail: request.maskedEmail,
  status: request.status,
});

/** What a confirm link would confirm, changing nothing (link scanners GET links). */
export async function previewPrivacyConfirmation(
  deps: ConfirmPrivacyDeps,
  token: string | undefined,
): Promise<PrivacyConfirmView> {
  const claims = await verifyLink(deps.secrets, token, 'privacy_confirm', deps.clock.now().getTime());
  return view(await requestOfLink(deps, claims));
}

/** The task a verified request of each type queues; a correction waits for staff instead. */
const TASK_ON_VERIFY: Record<PrivacyRequestType, PrivacyTaskKind | undefined> = {
  access: 'access_export',
  deletion: 'deletion',
  correction: undefined,
};

/**
 * Verifies a request from its address: `pending_verification` → `verified`, and queues what the
 * request asks for in the same write (the export link, the erasure with its receipt) or leaves a
 * correction with staff. Confirming again changes nothing and shows where the request stands.
 */
export async function confirmPrivacyRequest(deps: ConfirmPrivacyDeps, token: string | undefined): Promise<PrivacyConfirmView> {
  const claims = await verifyLink(deps.secrets, token, 'privacy_confirm', deps.clock.now().getTime());
  const request = await requestOfLink(deps, claims);
  const task = TASK_ON_VERIFY[request.type];
  const changed = await deps.requests.transition(request.requestId, {
    from: ['pending_verification'],
    to: 'verified',
    step: {
      at: deps.clock.now().toISOString(),
      step: 'verified',
      by: 'requester',
      ...(task ? {} : { note: 'queued for staff' }),
    },
    ...(task ? { task } : {}),
  });
  return changed ? { ...view(request), status: 'verified' } : view((await deps.requests.get(request.requestId)) ?? request);
}

export interface PrivacyExportDeps extends ConfirmPrivacyDeps {
  exports: SubjectExport;
  audit: AuditLog;
}

/**
 * The export an access link opens: everything held under the link's address, other addresses
 * masked. Every export is audited before the data leaves (SPEC §2); no audit, no export.
 */
export async function exportForLink(
  deps: PrivacyExportDeps,
  token: string | undefined,
  http: { requestId: string },
): Promise<unknown> {
  const claims = await verifyLink(deps.secrets, token, 'privacy_export', deps.clock.now().getTime());
  const request = await requestOfLink(deps, claims);
  if (request.type !== 'access') throw new LinkNotValidError(false);
  await deps.audit.record([
    {
      contactId: request.contactId,
      actor: `privacy_request:${request.requestId}`,
      roles: [],
      action: 'export',
      fields: ['export'],
      requestId: http.requestId,
      at: deps.clock.now().toISOString(),
      reason: 'access request by the person, verified from the address',
    },
  ]);
  return deps.exports.exportFor(request.contactId);
}
