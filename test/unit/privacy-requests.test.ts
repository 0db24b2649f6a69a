import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictError, LinkNotValidError, NotFoundError, ValidationError } from '../../shared/domain/errors.js';
import {
  completePrivacyRequest,
  extendPrivacyRequest,
  listPrivacyRequests,
} from '../../shared/domain/privacy/admin-privacy-requests.js';
import {
  confirmPrivacyRequest,
  exportForLink,
  previewPrivacyConfirmation,
} from '../../shared/domain/privacy/confirm-privacy-request.js';
import { MAX_ACKNOWLEDGED_TOGETHER } from '../../shared/domain/privacy/messages.js';
import { findDuePrivacyRequests, queueHeldBackAcknowledgements } from '../../shared/domain/privacy/overdue.js';
import { processPrivacyTask } from '../../shared/domain/privacy/process-task.js';
import { submitPrivacyRequest } from '../../shared/domain/privacy/submit-privacy-request.js';
import { erasureSummary } from '../../shared/domain/privacy/subject-data.js';
import type { AuditEntry } from '../../shared/domain/audit.js';
import { issueToken } from '../../shared/domain/tokens.js';
import { InMemoryAcknowledgementRetries, InMemoryPrivacyRequests, RecordingSubjects } from '../fixtures/in-memory-privacy.js';
import { InMemorySendLimits, inMemoryGate, TEST_BRAND } from '../fixtures/in-memory.js';

const ZONE = 'America/New_York';
const PAT = 'pat@example.com';
const STAFF = { sub: 'officer-1', roles: ['privacy' as const] };

function world() {
  const { gate, clock, directory, mailer, secrets, ledger } = inMemoryGate({ now: new Date('2026-11-25T15:00:00Z') });
  directory.recipients.set('c-pat', { contactId: 'c-pat', email: PAT, preferences: {} });
  directory.holdAddress('email', PAT, 'c-pat');
  directory.recipients.set('c-sam', { contactId: 'c-sam', email: 'sam@example.com', preferences: {} });
  directory.holdAddress('email', 'sam@example.com', 'c-sam');
  const requests = new InMemoryPrivacyRequests();
  const subjects = new RecordingSubjects();
  const audits: AuditEntry[] = [];
  let ids = 0;
  const audit = {
    failing: false,
    async record(entries: readonly AuditEntry[]) {
      if (audit.failing) throw new Error('audit down');
      audits.push(...entries);
    },
  };
  const deps = {
    addresses: directory,
    requests,
    waiting: requests,
    secrets,
    clock,
    newId: () => `req-${(ids += 1)}`,
    timeZone: ZONE,
    gate,
    limits: new InMemorySendLimits(),
    exports: subjects,
    erasure: subjects,
    brand: TEST_BRAND,
    audit,
  };
  /** Runs every queued task once, in order, as the privacy outbox would. */
  const drain = async () => {
    const outcomes = [];
    while (requests.tasks.length > 0) {
      const task = requests.tasks.shift();
      if (task) outcomes.push(await processPrivacyTask(deps, task));
    }
    return outcomes;
  };
  const linkIn = (path: string) => {
    const text = mailer.sent.at(-1)?.text ?? '';
    return new RegExp(`/privacy-requests/${path}\\?token=(\\S+)`).exec(text)?.[1];
  };
  return { deps, requests, subjects, mailer, directory, clock, audits, audit, drain, linkIn, ledger, secrets };
}

describe('submitPrivacyRequest', () => {
  it('records the request with its clocks from receipt, the address as HMAC and masked form, and queues the acknowledgement', async () => {
    // Arrange
    const { deps, requests } = world();
    // Act
    await submitPrivacyRequest(deps, { type: 'access', email: ' Pat@Example.com ', clientIp: '198.51.100.7' });
    // Assert
    const [request] = requests.requests.values();
    expect(request).toMatchObject({
      type: 'access',
      status: 'pending_verification',
      maskedEmail: 'p***@example.com',
      email: PAT,
      contactId: 'c-pat',
      receivedAt: '2026-11-25T15:00:00.000Z',
      acknowledgeBy: '2026-12-11T04:59:59.999Z',
      respondBy: '2027-01-10T04:59:59.999Z',
    });
    expect(request?.emailKey).toMatch(/^[\w-]{43}$/);
    expect(requests.tasks).toEqual([
      expect.objectContaining({ kind: 'acknowledgement', mailbox: expect.any(String), client: expect.any(String) }),
    ]);
  });

  it('takes the same calls for an address nobody holds, keeps no raw address, and sends nothing', async () => {
    // Arrange
    const known = world();
    const unknown = world();
    // Act
    await submitPrivacyRequest(known.deps, { type: 'deletion', email: PAT });
    await submitPrivacyRequest(unknown.deps, { type: 'deletion', email: 'nobody@example.com', details: 'secret text' });
    // Assert: the same store calls for both (the lookup read is one call for both too)
    expect(unknown.requests.calls).toEqual(known.requests.calls);
    expect(unknown.requests.tasks.map((task) => task.kind)).toEqual(known.requests.tasks.map((task) => task.kind));
    const outcomes = await unknown.drain();
    const [request] = unknown.requests.requests.values();
    expect(request).toMatchObject({ status: 'not_held', maskedEmail: 'n***@example.com' });
    expect(request?.email).toBeUndefined();
    expect(request?.details).toBeUndefined();
    expect(outcomes).toEqual(['nothing_to_send']);
    expect(unknown.mailer.sent).toHaveLength(0);
  });
});

describe('the acknowledgement', () => {
  it('goes out once, to the contact holding the address, with both due dates and a confirm link', async () => {
    // Arrange
    const { deps, drain, mailer, requests } = world();
    await submitPrivacyRequest(deps, { type: 'correction', email: PAT, details: 'New company name' });
    // Act
    const outcomes = await drain();
    // Assert
    expect(outcomes).toEqual(['sent']);
    expect(mailer.sent[0]?.to).toBe(PAT);
    expect(mailer.sent[0]?.text).toContain('Thursday, December 10, 2026');
    expect(mailer.sent[0]?.text).toContain('Saturday, January 9, 2027');
    expect(mailer.sent[0]?.text).toContain('/privacy-requests/confirm?token=');
    expect(mailer.sent[0]?.text).not.toContain('New company name');
    expect([...requests.requests.values()][0]?.acknowledgedAt).toBe('2026-11-25T15:00:00.000Z');
  });

  it('is sent at most once per address per hour; a later request is held back, then listed by the next one', async () => {
    // Arrange
    const { deps, drain, mailer, requests, clock } = world();
    // Act
    await submitPrivacyRequest(deps, { type: 'access', email: PAT });
    const first = await drain();
    clock.set('2026-11-25T15:30:00Z');
    await submitPrivacyRequest(deps, { type: 'deletion', email: PAT });
    const within = await drain();
    clock.set('2026-11-25T16:01:00Z');
    await submitPrivacyRequest(deps, { type: 'access', email: PAT });
    const later = await drain();
    // Assert
    expect(first).toEqual(['sent']);
    expect(within).toEqual(['skipped_rate_limited']);
    expect(later).toEqual(['sent']);
    expect(mailer.sent).toHaveLength(2);
    const held = [...requests.requests.values()].filter((request) =>
      request.steps.some((step) => step.step === 'acknowledgement_held_back'),
    );
    expect(held.map((request) => request.requestId)).toEqual(['req-2']);
    expect(mailer.sent[1]?.text).toContain('We received 2 requests');
    expect(mailer.sent[1]?.text).toContain('the deletion of the personal data');
    expect([...requests.requests.values()].every((request) => request.acknowledgedAt)).toBe(true);
  });

  it('is capped per client IP across addresses', async () => {
    // Arrange
    const { deps, drain, directory } = world();
    for (let index = 0; index < 21; index += 1) {
      directory.recipients.set(`c-${index}`, { contactId: `c-${index}`, email: `p${index}@example.com`, preferences: {} });
      directory.holdAddress('email', `p${index}@example.com`, `c-${index}`);
      await submitPrivacyRequest(deps, { type: 'access', email: `p${index}@example.com`, clientIp: '198.51.100.9' });
    }
    // Act
    const outcomes = await drain();
    // Assert
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(20);
    expect(outcomes.at(-1)).toBe('skipped_rate_limited');
  });

  it('sends nothing twice when its task is delivered again', async () => {
    // Arrange
    const { deps, requests, mailer } = world();
    await submitPrivacyRequest(deps, { type: 'access', email: PAT });
    const task = requests.tasks[0];
    if (!task) throw new Error('no task');
    // Act
    const outcomes = [await processPrivacyTask(deps, task), await processPrivacyTask(deps, task)];
    // Assert: the second delivery finds the request acknowledged
    expect(outcomes).toEqual(['sent', 'nothing_to_send']);
    expect(mailer.sent).toHaveLength(1);
  });

  it('lists and marks the same requests when redelivered after a crash between the send and the marks', async () => {
    // Arrange: two waiting requests; the first delivery sends, then the store fails while marking
    const { deps, requests, mailer, clock } = world();
    await submitPrivacyRequest(deps, { type: 'access', email: PAT });
    await submitPrivacyRequest(deps, { type: 'deletion', email: PAT });
    const [task] = requests.tasks.splice(0);
    if (!task) throw new Error('no task');
    const transition = requests.transition.bind(requests);
    requests.transition = async () => {
      throw new Error('store down');
    };
    await expect(processPrivacyTask(deps, task)).rejects.toThrow('store down');
    requests.transition = transition;
    // Act: a third request arrives before the redelivery
    clock.set('2026-11-25T15:05:00Z');
    await submitPrivacyRequest(deps, { type: 'correction', email: PAT, details: 'fix' });
    const outcome = await processPrivacyTask(deps, task);
    // Assert: one email; the two it listed are acknowledged, the third still waits for its own
    expect(outcome).toBe('already_sent');
    expect(mailer.sent).toHaveLength(1);
    expect(requests.requests.get('req-1')?.acknowledgedAt).toBeDefined();
    expect(requests.requests.get('req-2')?.acknowledgedAt).toBeDefined();
    expect(requests.requests.get('req-3')?.acknowledgedAt).toBeUndefined();
  });
});

describe("a decoy request for someone else's address", () => {
  const confirmTokens = (text: string | undefined) =>
    [...(text ?? '').matchAll(/\/privacy-requests\/confirm\?token=(\S+)/g)].map((match) => match[1] ?? '');

  function withRetries() {
    const built = world();
    const retries = new InMemoryAcknowledgementRetries(built.requests);
    const retryJob = () => queueHeldBackAcknowledgements({ requests: built.requests, retries, clock: built.clock });
    return { ...built, retryJob };
  }

  it("cannot hide the victim's request: one acknowledgement lists both, each with a working confirm link", async () => {
    // Arrange: the stranger's decoy and the victim's own request, both waiting
    const { deps, drain, mailer, requests } = world();
    await submitPrivacyRequest(deps, { type: 'deletion', email: PAT, clientIp: '203.0.113.66' });
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: '198.51.100.7' });
    // Act
    const outcomes = await drain();
    // Assert: one email, two links, one per request
    expect(outcomes).toEqual(['sent', 'nothing_to_send']);
    expect(mailer.sent).toHaveLength(1);
    const tokens = confirmTokens(mailer.sent[0]?.text);
    expect(tokens).toHaveLength(2);
    expect(mailer.sent[0]?.html).toContain('Confirm request 2');
    expect(requests.requests.get('req-2')?.acknowledgedAt).toBe('2026-11-25T15:00:00.000Z');
    expect(requests.requests.get('req-2')?.steps.map((step) => step.step)).toEqual(['received', 'acknowledged']);
    // Act: the victim confirms their own request, the second link
    await confirmPrivacyRequest(deps, tokens[1]);
    // Assert: only that one is verified
    expect(requests.requests.get('req-2')?.status).toBe('verified');
    expect(requests.requests.get('req-1')?.status).toBe('pending_verification');
  });

  it("holds the victim's acknowledgement back for the hour, and the daily retry sends it with its own working link", async () => {
    // Arrange: the decoy is acknowledged, the victim's request within the hour is held back
    const { deps, drain, mailer, requests, clock, retryJob } = withRetries();
    await submitPrivacyRequest(deps, { type: 'deletion', email: PAT, clientIp: '203.0.113.66' });
    await drain();
    clock.set('2026-11-25T15:20:00Z');
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: '198.51.100.7' });
    expect(await drain()).toEqual(['skipped_rate_limited']);
    expect(mailer.sent).toHaveLength(1);
    // Act: the daily job, next day
    clock.set('2026-11-26T14:00:00Z');
    const queued = await retryJob();
    const outcomes = await drain();
    // Assert: one more email, listing the victim's request only (the decoy was acknowledged already)
    expect(queued).toEqual(['req-2']);
    expect(outcomes).toEqual(['sent']);
    expect(mailer.sent).toHaveLength(2);
    expect(mailer.sent[1]?.to).toBe(PAT);
    const tokens = confirmTokens(mailer.sent[1]?.text);
    expect(tokens).toHaveLength(1);
    expect(requests.requests.get('req-2')?.acknowledgedAt).toBe('2026-11-26T14:00:00.000Z');
    expect(await confirmPrivacyRequest(deps, tokens[0])).toMatchObject({ type: 'access', status: 'verified' });
    expect(requests.requests.get('req-2')?.status).toBe('verified');
  });

  it('retries once per address per day however often the job runs, and the mailbox cap still holds', async () => {
    // Arrange: a decoy acknowledged, then two more requests held back
    const { deps, drain, mailer, requests, clock, retryJob } = withRetries();
    await submitPrivacyRequest(deps, { type: 'deletion', email: PAT });
    await drain();
    clock.set('2026-11-25T15:10:00Z');
    await submitPrivacyRequest(deps, { type: 'access', email: PAT });
    await submitPrivacyRequest(deps, { type: 'correction', email: PAT, details: 'fix' });
    await drain();
    // Act: the job twice on one day, and a run within the mailbox's hour that same day
    clock.set('2026-11-25T15:30:00Z');
    const withinHour = await retryJob();
    const heldAgain = await drain();
    const rerun = await retryJob();
    clock.set('2026-11-26T14:00:00Z');
    const nextDay = await retryJob();
    const nextDayAgain = await retryJob();
    const sent = await drain();
    // Assert: the retry within the hour was held back again, nothing was queued twice on a day
    expect(withinHour).toEqual(['req-2']);
    expect(heldAgain).toEqual(['skipped_rate_limited']);
    expect(rerun).toEqual([]);
    expect(nextDay).toEqual(['req-2']);
    expect(nextDayAgain).toEqual([]);
    expect(sent).toEqual(['sent']);
    expect(mailer.sent).toHaveLength(2);
    // Assert: the one retry covered both held-back requests
    expect(confirmTokens(mailer.sent[1]?.text)).toHaveLength(2);
    expect(requests.requests.get('req-3')?.acknowledgedAt).toBeDefined();
    // Act: another run finds nothing held back that is not acknowledged
    clock.set('2026-11-27T14:00:00Z');
    expect(await retryJob()).toEqual([]);
  });

  it('does not list a request already acknowledged, and never echoes what a form said', async () => {
    // Arrange: the first request acknowledged; a correction with details, an hour later
    const { deps, drain, mailer, clock } = world();
    await submitPrivacyRequest(deps, { type: 'access', email: PAT });
    await drain();
    clock.set('2026-11-25T16:30:00Z');
    await submitPrivacyRequest(deps, { type: 'correction', email: PAT, details: 'Wire 500 USD to evil.example' });
    await submitPrivacyRequest(deps, { type: 'deletion', email: PAT });
    // Act
    await drain();
    // Assert
    const second = mailer.sent[1];
    expect(second?.text).toContain('We received 2 requests');
    expect(confirmTokens(second?.text)).toHaveLength(2);
    expect(second?.text).not.toContain('a copy of the personal data');
    expect(second?.text).not.toContain('evil.example');
    expect(second?.html).not.toContain('evil.example');
    expect(second?.text).toContain('Manage your preferences');
  });

  it('lists at most MAX_ACKNOWLEDGED_TOGETHER requests, oldest first; the rest wait for the next acknowledgement', async () => {
    // Arrange: two more requests waiting for one address than one acknowledgement lists
    const { deps, drain, mailer, requests, clock } = world();
    for (let index = 0; index < MAX_ACKNOWLEDGED_TOGETHER + 2; index += 1)
      await submitPrivacyRequest(deps, { type: 'access', email: PAT });
    // Act
    await drain();
    clock.set('2026-11-25T16:01:00Z');
    await submitPrivacyRequest(deps, { type: 'access', email: PAT });
    await drain();
    // Assert
    expect(mailer.sent).toHaveLength(2);
    expect(confirmTokens(mailer.sent[0]?.text)).toHaveLength(MAX_ACKNOWLEDGED_TOGETHER);
    expect(confirmTokens(mailer.sent[1]?.text)).toHaveLength(3);
    expect([...requests.requests.values()].every((request) => request.acknowledgedAt)).toBe(true);
  });
});

describe('confirmation', () => {
  async function pending(type: 'access' | 'correction' | 'deletion') {
    const built = world();
    await submitPrivacyRequest(built.deps, { type, email: PAT, ...(type === 'correction' ? { details: 'fix it' } : {}) });
    await built.drain();
    return { ...built, token: built.linkIn('confirm') ?? '' };
  }

  it('previews without changing anything', async () => {
    // Arrange
    const { deps, token, requests } = await pending('access');
    // Act
    const view = await previewPrivacyConfirmation(deps, token);
    // Assert
    expect(view).toEqual({ type: 'access', maskedEmail: 'p***@example.com', status: 'pending_verification' });
    expect([...requests.requests.values()][0]?.status).toBe('pending_verification');
    expect(requests.tasks).toHaveLength(0);
  });

  it('verifies an access request and emails a 7-day export link whose export is audited before it leaves', async () => {
    // Arrange
    const { deps, token, drain, linkIn, requests, audits, audit } = await pending('access');
    // Act
    expect(await confirmPrivacyRequest(deps, token)).toMatchObject({ status: 'verified' });
    expect(await drain()).toEqual(['sent']);
    const exportToken = linkIn('export');
    // Assert
    expect(exportToken).toBeDefined();
    const request = [...requests.requests.values()][0];
    expect(request?.status).toBe('completed');
    expect(request?.email).toBeUndefined();
    audit.failing = true;
    await expect(exportForLink(deps, exportToken, { requestId: 'http-1' })).rejects.toThrow('audit down');
    audit.failing = false;
    expect(await exportForLink(deps, exportToken, { requestId: 'http-2' })).toEqual({
      contactId: 'c-pat',
      profile: { email: 'exported' },
    });
    expect(audits).toEqual([expect.objectContaining({ contactId: 'c-pat', action: 'export', requestId: 'http-2' })]);
  });

  it('sends the deletion receipt before the erasure, and completes only once erased', async () => {
    // Arrange
    const { deps, token, requests, subjects, mailer } = await pending('deletion');
    const sendEmail = mailer.sendEmail.bind(mailer);
    mailer.sendEmail = async (email) => {
      subjects.order.push(`send:${email.subject}`);
      return sendEmail(email);
    };
    subjects.failuresToInject = 1;
    await confirmPrivacyRequest(deps, token);
    const task = requests.tasks.shift();
    if (!task) throw new Error('no task');
    // Act: the first erasure fails, the redelivered task erases without a second receipt
    await expect(processPrivacyTask(deps, task)).rejects.toThrow('erasure failed');
    expect([...requests.requests.values()][0]?.status).toBe('verified');
    await processPrivacyTask(deps, task);
    // Assert
    expect(subjects.order).toEqual(['send:Your data has been deleted - Acme Dealer Software', 'erase']);
    expect(subjects.erased).toEqual([{ contactId: 'c-pat', requestId: 'req-1' }]);
    const receipt = mailer.sent.at(-1);
    expect(receipt?.text).toContain('Erased:');
    expect(receipt?.text).toContain('Kept, and why:');
    expect(receipt?.text).toContain('backups');
    const request = [...requests.requests.values()][0];
    expect(request?.status).toBe('completed');
    expect(request?.email).toBeUndefined();
  });

  it('leaves a correction with staff, and confirming twice changes nothing more', async () => {
    // Arrange
    const { deps, token, requests } = await pending('correction');
    // Act
    await confirmPrivacyRequest(deps, token);
    const again = await confirmPrivacyRequest(deps, token);
    // Assert
    expect(again.status).toBe('verified');
    expect(requests.tasks).toHaveLength(0);
    expect([...requests.requests.values()][0]?.steps.filter((step) => step.step === 'verified')).toHaveLength(1);
  });

  it('opens no export once staff corrected the request address away from the contact: 404, no audit, no data', async () => {
    // Arrange: a verified access request with its export link; then the email is corrected (its lookup moves off)
    const { deps, token, drain, linkIn, audits, directory } = await pending('access');
    await confirmPrivacyRequest(deps, token);
    await drain();
    const exportToken = linkIn('export');
    expect(exportToken).toBeDefined();
    for (const [key, holder] of directory.lookups)
      if (holder === 'c-pat' && key.startsWith('email:')) directory.lookups.delete(key);
    // Act / Assert
    await expect(exportForLink(deps, exportToken, { requestId: 'http-3' })).rejects.toThrow(NotFoundError);
    expect(audits).toEqual([]);
  });

  it('refuses an expired token, a token for another request, and a link whose contact no longer holds the address', async () => {
    // Arrange
    const { deps, token, clock, secrets, directory, requests } = await pending('access');
    const { keyring } = await secrets.getSecrets();
    const foreign = issueToken(keyring, 'c-sam', { purpose: 'privacy_confirm', requestId: 'req-1' }, clock.now().getTime());
    // Act + Assert
    await expect(confirmPrivacyRequest(deps, foreign)).rejects.toThrow(LinkNotValidError);
    directory.holdAddress('email', PAT, 'c-someone-else');
    await expect(confirmPrivacyRequest(deps, token)).rejects.toThrow(NotFoundError);
    directory.holdAddress('email', PAT, 'c-pat');
    clock.set('2026-12-02T15:00:01Z');
    await expect(confirmPrivacyRequest(deps, token)).rejects.toThrow(LinkNotValidError);
    expect([...requests.requests.values()][0]?.status).toBe('pending_verification');
  });
});

describe('staff', () => {
  async function verifiedCorrection() {
    const built = world();
    await submitPrivacyRequest(built.deps, { type: 'correction', email: PAT, details: 'Company is now Acme' });
    await built.drain();
    await confirmPrivacyRequest(built.deps, built.linkIn('confirm'));
    return built;
  }

  it('lists requests with their clocks and masked addresses, auditing shown details first', async () => {
    // Arrange
    const { deps, audits, audit } = await verifiedCorrection();
    // Act
    const listing = await listPrivacyRequests(deps, STAFF, 'verified', { requestId: 'http-1' });
    // Assert
    expect(listing.requests).toEqual([
      expect.objectContaining({
        maskedEmail: 'p***@example.com',
        details: 'Company is now Acme',
        due: { acknowledge: 'met', respond: 'ok' },
      }),
    ]);
    expect(JSON.stringify(listing)).not.toContain(PAT);
    expect(audits).toEqual([
      expect.objectContaining({ contactId: 'c-pat', actor: 'officer-1', fields: ['privacy_request.details'] }),
    ]);
    audit.failing = true;
    await expect(listPrivacyRequests(deps, STAFF, undefined, { requestId: 'http-2' })).rejects.toThrow('audit down');
  });

  it('completes a correction and tells the person, with the note', async () => {
    // Arrange
    const { deps, drain, mailer, requests } = await verifiedCorrection();
    // Act
    const view = await completePrivacyRequest(deps, STAFF, 'req-1', { note: 'Updated.' }, { requestId: 'http-1' });
    await drain();
    // Assert
    expect(view.status).toBe('completed');
    expect(mailer.sent.at(-1)?.subject).toContain('Your privacy request is done');
    expect(mailer.sent.at(-1)?.text).toContain('Our note: Updated.');
    expect(requests.requests.get('req-1')?.email).toBeUndefined();
    await expect(completePrivacyRequest(deps, STAFF, 'req-1', {}, { requestId: 'http-2' })).rejects.toThrow(ConflictError);
    await expect(completePrivacyRequest(deps, STAFF, 'nope', {}, { requestId: 'http-3' })).rejects.toThrow(NotFoundError);
  });

  it('extends to at most 90 days from receipt with a reason, and the notice names the new date and the reason', async () => {
    // Arrange
    const { deps, drain, mailer, requests } = await verifiedCorrection();
    // Act + Assert
    await expect(extendPrivacyRequest(deps, STAFF, 'req-1', { reason: 'x', days: 91 }, { requestId: 'h' })).rejects.toThrow(
      ValidationError,
    );
    const view = await extendPrivacyRequest(deps, STAFF, 'req-1', { reason: 'Checking with the dealer.' }, { requestId: 'h' });
    await drain();
    expect(view.status).toBe('extended');
    expect(view.respondBy).toBe('2027-02-24T04:59:59.999Z');
    expect(mailer.sent.at(-1)?.text).toContain('Tuesday, February 23, 2027');
    expect(mailer.sent.at(-1)?.text).toContain('Why: Checking with the dealer.');
    await expect(extendPrivacyRequest(deps, STAFF, 'req-1', { reason: 'again' }, { requestId: 'h' })).rejects.toThrow(
      ValidationError,
    );
    expect(requests.requests.get('req-1')?.steps.filter((step) => step.step === 'extended')).toHaveLength(1);
  });
});

describe('findDuePrivacyRequests', () => {
  let built: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    built = world();
    await submitPrivacyRequest(built.deps, { type: 'correction', email: PAT, details: 'fix' });
    await built.drain();
  });

  it('reports nothing while every clock has time', async () => {
    expect(await findDuePrivacyRequests(built.deps, () => undefined)).toEqual([]);
  });

  it('reports an answer near due and then past due, and nothing once completed', async () => {
    // Arrange
    const alerts: unknown[] = [];
    // Act
    built.clock.set('2027-01-07T15:00:00Z');
    const near = await findDuePrivacyRequests(built.deps, (due) => alerts.push(due));
    built.clock.set('2027-01-11T15:00:00Z');
    const past = await findDuePrivacyRequests(built.deps, (due) => alerts.push(due));
    // Assert
    expect(near).toEqual([expect.objectContaining({ requestId: 'req-1', clock: 'respond', state: 'near' })]);
    expect(past).toEqual([expect.objectContaining({ requestId: 'req-1', clock: 'respond', state: 'past' })]);
    expect(alerts).toHaveLength(2);
    await confirmPrivacyRequest(built.deps, built.linkIn('confirm')).catch(() => undefined);
    built.requests.requests.get('req-1')!.status = 'completed';
    expect(await findDuePrivacyRequests(built.deps, () => undefined)).toEqual([]);
  });

  it('reports an acknowledgement that never went out', async () => {
    // Arrange: a request whose acknowledgement was held back
    built.requests.requests.get('req-1')!.acknowledgedAt = undefined;
    delete built.requests.requests.get('req-1')!.acknowledgedAt;
    built.clock.set('2026-12-09T15:00:00Z');
    // Act
    const due = await findDuePrivacyRequests(built.deps, () => undefined);
    // Assert
    expect(due).toEqual([expect.objectContaining({ clock: 'acknowledge', state: 'near' })]);
  });
});

describe('erasureSummary', () => {
  it('tells the person what was erased with counts, what is kept and why, and when backups roll off', () => {
    // Act
    const summary = erasureSummary(
      { profile: 1, inquiry: 3, message_recipient: 1, other: 0 },
      [{ what: 'suppression_tombstone', count: 1, why: 'So that no message reaches it again.' }],
      '2027-01-05',
    );
    // Assert
    expect(summary).toEqual({
      erased: [
        'your contact record (name, company, addresses and preferences)',
        '3 inquiries you sent us',
        'the recipient details of 1 message we sent',
      ],
      kept: [{ what: 'a coded marker (salted hash) of your email address', why: 'So that no message reaches it again.' }],
      backupsRollOffBy: 'by 2027-01-05, when our point-in-time backups roll off',
    });
  });
});
