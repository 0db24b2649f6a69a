import { describe, expect, it } from '@jest/globals';
import { findDuePrivacyRequests, queueHeldBackAcknowledgements } from '../../shared/domain/privacy/overdue.js';
import { processPrivacyTask } from '../../shared/domain/privacy/process-task.js';
import { submitPrivacyRequest } from '../../shared/domain/privacy/submit-privacy-request.js';
import { InMemoryAcknowledgementRetries, InMemoryPrivacyRequests, RecordingSubjects } from '../fixtures/in-memory-privacy.js';
import { InMemorySendLimits, inMemoryGate, TEST_BRAND } from '../fixtures/in-memory.js';

/**
 * A stranger tries to keep a victim's own privacy request from ever being acknowledged (SPEC §3:
 * acknowledged within 10 business days; a held-back acknowledgement is sent later, never dropped).
 * Found by a red team; each test failed before the mailbox's hour went to its oldest waiting request.
 */
const PAT = 'pat@example.com';
const ALIAS = 'pat+x@example.com';
const STRANGER = '203.0.113.66';
const VICTIM = '198.51.100.7';

function world() {
  const { gate, clock, directory, mailer, secrets } = inMemoryGate({ now: new Date('2026-11-25T15:00:00Z') });
  directory.recipients.set('c-pat', { contactId: 'c-pat', email: PAT, preferences: {} });
  directory.holdAddress('email', PAT, 'c-pat');
  const requests = new InMemoryPrivacyRequests();
  const subjects = new RecordingSubjects();
  let ids = 0;
  const deps = {
    addresses: directory,
    requests,
    waiting: requests,
    secrets,
    clock,
    newId: () => `req-${(ids += 1)}`,
    timeZone: 'America/New_York',
    gate,
    limits: new InMemorySendLimits(),
    exports: subjects,
    erasure: subjects,
    brand: TEST_BRAND,
    audit: { async record() {} },
  };
  const drain = async () => {
    while (requests.tasks.length > 0) {
      const task = requests.tasks.shift();
      if (task) await processPrivacyTask(deps, task);
    }
  };
  const retries = new InMemoryAcknowledgementRetries(requests);
  const retryJob = () => queueHeldBackAcknowledgements({ requests, retries, clock });
  const victimsRequest = () => [...requests.requests.values()].find((request) => request.receivedAt === VICTIM_AT);
  return { deps, requests, mailer, directory, clock, drain, retryJob, victimsRequest };
}

const VICTIM_AT = '2026-11-25T15:10:00.000Z';
const HOUR = 3600_000;

describe('a stranger starving the victim’s privacy acknowledgement', () => {
  it('cannot do it with an alias of the victim’s mailbox (pat+x@) that the stranger made a contact for', async () => {
    // Arrange: the stranger made an inquiry as pat+x@example.com, so a contact holds that alias
    const { deps, directory, clock, drain, retryJob, victimsRequest, mailer } = world();
    directory.recipients.set('c-alias', { contactId: 'c-alias', email: ALIAS, preferences: {} });
    directory.holdAddress('email', ALIAS, 'c-alias');
    const start = Date.parse('2026-11-25T15:00:00Z');
    await submitPrivacyRequest(deps, { type: 'access', email: ALIAS, clientIp: STRANGER });
    await drain();
    clock.set(VICTIM_AT);
    await submitPrivacyRequest(deps, { type: 'deletion', email: PAT, clientIp: VICTIM });
    await drain();
    // Act: for 14 days the stranger files one request for the alias each hour (one per hour per
    // IP, far below every cap); the daily job runs every day at 14:30 UTC
    for (let hour = 1; hour <= 14 * 24; hour += 1) {
      clock.set(new Date(start + hour * HOUR + 1000).toISOString());
      await submitPrivacyRequest(deps, { type: 'access', email: ALIAS, clientIp: STRANGER });
      await drain();
      if (new Date(start + hour * HOUR).getUTCHours() === 14) {
        clock.set(new Date(start + hour * HOUR + 30 * 60_000).toISOString());
        await retryJob();
        await drain();
      }
    }
    // Assert: the victim's own request was acknowledged by its 10-business-day deadline
    const request = victimsRequest();
    expect(mailer.sent.length).toBeGreaterThan(100); // the stranger's acknowledgements reached the mailbox
    expect(request?.acknowledgedAt).toBeDefined();
    expect(Date.parse(request?.acknowledgedAt ?? '9999')).toBeLessThanOrEqual(Date.parse(request?.acknowledgeBy ?? '0'));
  });

  it('cannot do it with requests for the victim’s own address filed before theirs (more than ten waiting)', async () => {
    // Arrange: the stranger files 150 decoys for pat@ (its first acknowledgement lists ten)
    const { deps, clock, drain, retryJob, victimsRequest } = world();
    for (let decoy = 0; decoy < 150; decoy += 1)
      await submitPrivacyRequest(deps, { type: 'deletion', email: PAT, clientIp: STRANGER });
    await drain();
    clock.set(VICTIM_AT);
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: VICTIM });
    await drain();
    // Act: the daily job runs for 14 days; the stranger does nothing more
    const start = Date.parse('2026-11-26T14:30:00Z');
    for (let day = 0; day < 14; day += 1) {
      clock.set(new Date(start + day * 24 * HOUR).toISOString());
      await retryJob();
      await drain();
    }
    // Assert: the victim's request was acknowledged by its deadline
    const request = victimsRequest();
    expect(request?.acknowledgedAt).toBeDefined();
    expect(Date.parse(request?.acknowledgedAt ?? '9999')).toBeLessThanOrEqual(Date.parse(request?.acknowledgeBy ?? '0'));
  });

  it('cannot push the victim’s held-back request out of the daily retry with many newer pending requests', async () => {
    // Arrange: the victim's request is held back behind a decoy
    const { deps, directory, clock, drain, retryJob, victimsRequest, requests } = world();
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: STRANGER });
    await drain();
    clock.set(VICTIM_AT);
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: VICTIM });
    await drain();
    // ... then the stranger files 1000 requests for addresses it made contacts for (inquiries),
    // leaving them pending (their acknowledgements are sent, nobody confirms)
    clock.set('2026-11-25T16:00:00Z');
    for (let index = 0; index < 1000; index += 1) {
      const email = `filler${index}@example.net`;
      directory.recipients.set(`c-f${index}`, { contactId: `c-f${index}`, email, preferences: {} });
      directory.holdAddress('email', email, `c-f${index}`);
      await submitPrivacyRequest(deps, { type: 'access', email });
    }
    requests.tasks.length = 0;
    // Act: the daily job
    clock.set('2026-11-26T14:30:00Z');
    const queued = await retryJob();
    await drain();
    // Assert: the victim's request was retried
    expect(queued).toContain(victimsRequest()?.requestId);
    expect(victimsRequest()?.acknowledgedAt).toBeDefined();
  });
});

describe('the acknowledgement retry after staff corrected the address', () => {
  it('goes to no address but the one the request named (not to the contact’s new address, uncapped)', async () => {
    // Arrange: the victim's request for pat@ is held back behind a decoy
    const { deps, directory, clock, drain, retryJob, mailer } = world();
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: STRANGER });
    await drain();
    clock.set(VICTIM_AT);
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: VICTIM });
    await drain();
    // ... then staff correct the contact's email to another address
    const NEW = 'someone.else@example.org';
    directory.recipients.set('c-pat', { contactId: 'c-pat', email: NEW, preferences: {}, emailSetAt: '2026-11-25T18:00:00Z' });
    directory.lookups.clear();
    directory.holdAddress('email', NEW, 'c-pat');
    // Act: the daily job
    clock.set('2026-11-26T14:30:00Z');
    await retryJob();
    await drain();
    // Assert: nothing reached the address that never asked
    expect(mailer.sent.filter((email) => email.to === NEW)).toEqual([]);
  });
});

describe('the daily overdue check under a flood of newer requests', () => {
  it('still alarms on the oldest overdue request when more than 1000 newer ones are open', async () => {
    // Arrange: the victim's request, never acknowledged (held back), now past its acknowledgement date
    const { deps, directory, clock, drain, victimsRequest } = world();
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: STRANGER });
    await drain();
    clock.set(VICTIM_AT);
    await submitPrivacyRequest(deps, { type: 'access', email: PAT, clientIp: VICTIM });
    await drain();
    // ... and 1000 newer open requests for addresses the stranger made contacts for
    clock.set('2026-12-14T16:00:00Z');
    for (let index = 0; index < 1000; index += 1) {
      const email = `filler${index}@example.net`;
      directory.recipients.set(`c-f${index}`, { contactId: `c-f${index}`, email, preferences: {} });
      directory.holdAddress('email', email, `c-f${index}`);
      await submitPrivacyRequest(deps, { type: 'access', email });
    }
    // Act: the daily check
    clock.set('2026-12-15T14:30:00Z');
    const due = await findDuePrivacyRequests({ requests: deps.requests, clock, timeZone: deps.timeZone }, () => undefined);
    // Assert
    expect(due.map((entry) => entry.requestId)).toContain(victimsRequest()?.requestId);
  });
});
