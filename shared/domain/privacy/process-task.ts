import type { AddressBook } from '../../ports/address-book.js';
import type { Clock } from '../../ports/clock.js';
import type { PrivacyRequestStore, WaitingAcknowledgements } from '../../ports/privacy-requests.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SendLimits } from '../../ports/send-limits.js';
import type { SubjectErasure } from '../../ports/subject-data.js';
import type { Brand, EmailBody, SendOutcome } from '../messages.js';
import type { SendGate } from '../sending/send-gate.js';
import { mailboxKey } from '../cap-keys.js';
import { issueToken } from '../tokens.js';
import type { TokenScope } from '../tokens.js';
import {
  acknowledgementEmail,
  completionEmail,
  deletionReceiptEmail,
  exportLinkEmail,
  extensionEmail,
  MAX_ACKNOWLEDGED_TOGETHER,
} from './messages.js';
import { OPEN_STATUSES } from './privacy-request.js';
import type { PrivacyRequest, PrivacyRequestStatus, PrivacyTask } from './privacy-request.js';

/** Acknowledgements one client IP may cause per hour, to any addresses. */
export const ACKNOWLEDGEMENTS_PER_IP_PER_HOUR = 20;
/** At most one acknowledgement per mailbox in this window (its aliases included). */
export const MAILBOX_ACKNOWLEDGEMENT_WINDOW_SECONDS = 3600;

export interface ProcessPrivacyTaskDeps {
  requests: PrivacyRequestStore;
  /** Who holds an address now: an acknowledgement goes only to the address its request named. */
  addresses: Pick<AddressBook, 'holders'>;
  /** The mailbox's requests waiting for an acknowledgement. */
  waiting: WaitingAcknowledgements;
  gate: SendGate;
  limits: SendLimits;
  erasure: SubjectErasure;
  secrets: SecretsSource;
  brand: Brand;
  clock: Clock;
  timeZone: string;
}

/** What one task came to, for the log line. */
export type TaskOutcome = SendOutcome | 'nothing_to_send' | 'skipped_rate_limited';

const VERIFIED: readonly PrivacyRequestStatus[] = ['verified', 'extended'];

async function linkFor(deps: ProcessPrivacyTaskDeps, path: string, contactId: string, scope: TokenScope): Promise<string> {
  const { keyring } = await deps.secrets.getSecrets();
  const token = issueToken(keyring, contactId, scope, deps.clock.now().getTime());
  return `${deps.brand.publicBaseUrl.replace(/\/$/, '')}${path}?token=${token}`;
}

function send(deps: ProcessPrivacyTaskDeps, request: PrivacyRequest & { contactId: string }, task: PrivacyTask, body: EmailBody) {
  return deps.gate.send({
    audience: 'contact',
    channel: 'email',
    category: 'transactional',
    contactId: request.contactId,
    dedupeKey: task.dedupeKey,
    body,
  });
}

const delivered = (outcome: SendOutcome) => outcome === 'sent' || outcome === 'already_sent';

/**
 * Sends what one queued privacy task owes, and records the step it took. Each task is keyed, so
 * a redelivered record sends nothing twice; a request no contact holds gets nothing.
 */
export async function processPrivacyTask(deps: ProcessPrivacyTaskDeps, task: PrivacyTask): Promise<TaskOutcome> {
  const request = await deps.requests.get(task.requestId);
  if (!request?.contactId) return 'nothing_to_send';
  const held = { ...request, contactId: request.contactId };
  const at = () => deps.clock.now().toISOString();
  switch (task.kind) {
    case 'acknowledgement':
      return acknowledge(deps, held, task);
    case 'access_export': {
      if (!VERIFIED.includes(request.status)) return 'nothing_to_send';
      const url = await linkFor(deps, '/privacy-requests/export', held.contactId, {
        purpose: 'privacy_export',
        requestId: request.requestId,
      });
      const outcome = await send(deps, held, task, exportLinkEmail(deps.brand, url));
      if (delivered(outcome))
        await deps.requests.transition(request.requestId, {
          from: VERIFIED,
          to: 'completed',
          step: { at: at(), step: 'export_link_sent', by: 'system' },
          dropEmail: true,
        });
      return outcome;
    }
    case 'deletion': {
      if (!VERIFIED.includes(request.status)) return 'nothing_to_send';
      // The receipt goes first, rendered from the erasure's own plan: once erased, the address is
      // suppressed and no contact holds it. A failed erasure throws, and the redelivered task
      // finds the receipt sent (its send is keyed) and erases again.
      const plan = await deps.erasure.previewErasure(held.contactId, request.requestId);
      const outcome = await send(deps, held, task, deletionReceiptEmail(deps.brand, plan));
      if (outcome === 'sent')
        await deps.requests.appendStep(request.requestId, { at: at(), step: 'erasure_receipt_sent', by: 'system' });
      const summary = await deps.erasure.eraseFor(held.contactId, request.requestId);
      await deps.requests.transition(request.requestId, {
        from: VERIFIED,
        to: 'completed',
        step: { at: at(), step: 'erased', by: 'system', note: `erased: ${summary.erased.length} kinds of data` },
        dropEmail: true,
      });
      return outcome;
    }
    case 'completion_notice': {
      const note = [...request.steps].reverse().find((step) => step.step === 'completed')?.note;
      const outcome = await send(deps, held, task, completionEmail(deps.brand, request.type, note));
      if (delivered(outcome))
        await deps.requests.appendStep(request.requestId, { at: at(), step: 'completion_notice_sent', by: 'system' });
      return outcome;
    }
    case 'extension_notice': {
      const reason = [...request.steps].reverse().find((step) => step.step === 'extended')?.note ?? '';
      const outcome = await send(deps, held, task, extensionEmail(deps.brand, request.respondBy, reason, deps.timeZone));
      if (delivered(outcome))
        await deps.requests.appendStep(request.requestId, { at: at(), step: 'extension_notice_sent', by: 'system' });
      return outcome;
    }
  }
}

/** Records on a request that its acknowledgement did not go out now, and why; the daily job retries it. */
async function holdBack(deps: ProcessPrivacyTaskDeps, request: PrivacyRequest, note: string): Promise<void> {
  await deps.requests.appendStep(request.requestId, {
    at: deps.clock.now().toISOString(),
    step: 'acknowledgement_held_back',
    by: 'system',
    note,
  });
}

/**
 * The acknowledgement with its verification link. Anyone can type any address into the form, so
 * acknowledgements are capped per client IP and per mailbox (one per hour, `name+tag@` and Gmail's
 * dotted forms included); one held back is recorded on the request, whose clock keeps running, and
 * the daily job queues it again (`queueHeldBackAcknowledgements`).
 *
 * The mailbox's hour goes to its oldest waiting request, whichever of its addresses that names: a
 * stranger's newer requests, for the address or for an alias of it, cannot take every hour and
 * starve it. One acknowledgement lists that request and the other requests of the same address
 * still waiting (at most `MAX_ACKNOWLEDGED_TOGETHER`, oldest first), each with its own confirm link,
 * and goes to that address alone, only while its contact still holds it. The list is fixed under
 * the task's key before sending, so a redelivery lists and marks the same.
 */
async function acknowledge(
  deps: ProcessPrivacyTaskDeps,
  request: PrivacyRequest & { contactId: string },
  task: PrivacyTask,
): Promise<TaskOutcome> {
  // Confirmed, closed, or already listed by another acknowledgement (or this one, delivered before).
  if (request.status !== 'pending_verification' || request.acknowledgedAt) return 'nothing_to_send';
  const now = deps.clock.now();
  // A retry queued by the daily job carries no mailbox key (that job holds no salt): derive it here.
  const mailbox =
    task.mailbox ??
    request.mailboxKey ??
    (request.email && mailboxKey((await deps.secrets.getSecrets()).addressSalt, request.email));
  const capped =
    (task.client &&
      !(await deps.limits.takeSlot(
        `privacy_ack_ip#${task.client}`,
        task.dedupeKey,
        ACKNOWLEDGEMENTS_PER_IP_PER_HOUR,
        3600,
        now,
      ))) ||
    (mailbox &&
      !(await deps.limits.takeOnly(`privacy_ack#${mailbox}`, task.dedupeKey, MAILBOX_ACKNOWLEDGEMENT_WINDOW_SECONDS, now)));
  if (capped) {
    await holdBack(deps, request, 'rate limit: one acknowledgement per mailbox per hour');
    return 'skipped_rate_limited';
  }
  const listed = await requestsToAcknowledge(deps, request, task, mailbox);
  const lead = listed[0];
  if (!lead?.contactId) return 'nothing_to_send';
  const recipient = { ...lead, contactId: lead.contactId };
  if (!listed.some((each) => each.requestId === request.requestId))
    await holdBack(deps, request, "the mailbox's hour went to an older waiting request");
  if (!(await stillHeld(deps, recipient))) {
    for (const each of listed)
      await deps.requests.appendStep(each.requestId, {
        at: deps.clock.now().toISOString(),
        step: 'acknowledgement_not_sent',
        by: 'system',
        note: 'the contact no longer holds the address the request named',
      });
    return 'nothing_to_send';
  }
  const items = await Promise.all(
    listed.map(async (each) => ({
      type: each.type,
      clocks: each,
      confirmUrl: await linkFor(deps, '/privacy-requests/confirm', recipient.contactId, {
        purpose: 'privacy_confirm',
        requestId: each.requestId,
      }),
    })),
  );
  const outcome = await send(deps, recipient, task, acknowledgementEmail(deps.brand, items, deps.timeZone));
  if (!delivered(outcome)) return outcome;
  // The task's own request last: once it is marked, every request the email listed is.
  const ordered = [
    ...listed.filter((each) => each.requestId !== request.requestId),
    ...listed.filter((each) => each.requestId === request.requestId),
  ];
  for (const each of ordered) {
    const at = deps.clock.now().toISOString();
    await deps.requests.transition(each.requestId, {
      from: OPEN_STATUSES,
      unacknowledged: true,
      step: {
        at,
        step: 'acknowledged',
        by: 'system',
        ...(listed.length > 1 ? { note: `one acknowledgement listed ${listed.length} requests of this address` } : {}),
      },
      acknowledgedAt: at,
    });
  }
  return outcome;
}

/** Whether the request's contact still holds the address it named: a corrected address gets nothing. */
async function stillHeld(deps: ProcessPrivacyTaskDeps, request: PrivacyRequest & { contactId: string }): Promise<boolean> {
  const { byEmail } = await deps.addresses.holders({ emailKey: request.emailKey });
  return byEmail === request.contactId;
}

/** Waiting requests of a mailbox read per acknowledgement, to find its oldest and the lead's others. */
const MAILBOX_WAITING_READ = 100;

const byReceipt = (a: PrivacyRequest, b: PrivacyRequest) =>
  a.receivedAt.localeCompare(b.receivedAt) || a.requestId.localeCompare(b.requestId);

/**
 * The requests one acknowledgement lists, in order of receipt: the mailbox's oldest waiting request
 * (or this one, when none waits longer) first, then the other waiting requests of the same address
 * and contact; fixed under the task's key at the first attempt.
 */
async function requestsToAcknowledge(
  deps: ProcessPrivacyTaskDeps,
  request: PrivacyRequest & { contactId: string },
  task: PrivacyTask,
  mailbox: string | undefined,
): Promise<PrivacyRequest[]> {
  const waiting = mailbox ? await deps.waiting.awaitingAcknowledgement(mailbox, MAILBOX_WAITING_READ) : [];
  const oldest = waiting.find((each) => each.contactId && each.email);
  const lead = oldest && byReceipt(oldest, request) < 0 ? oldest : request;
  const sameAddress = waiting.filter(
    (each) => each.requestId !== lead.requestId && each.emailKey === lead.emailKey && each.contactId === lead.contactId,
  );
  const candidates = [lead, ...sameAddress].sort(byReceipt).slice(0, MAX_ACKNOWLEDGED_TOGETHER);
  const ids = await deps.waiting.fixDigest(
    task.dedupeKey,
    candidates.map((each) => each.requestId),
    deps.clock.now().toISOString(),
  );
  const known = new Map([request, ...waiting].map((each) => [each.requestId, each]));
  const listed = await Promise.all(ids.map(async (id) => known.get(id) ?? (await deps.requests.get(id))));
  const first = listed[0];
  return listed.filter(
    (each): each is PrivacyRequest =>
      each !== undefined && each.contactId === first?.contactId && each.emailKey === first?.emailKey,
  );
}
