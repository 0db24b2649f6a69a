import type { Clock } from '../../ports/clock.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SendLimits } from '../../ports/send-limits.js';
import { mailboxKey } from '../cap-keys.js';
import type { Channel } from '../consent.js';
import { ACKNOWLEDGEMENTS_PER_IP_PER_HOUR, ACKNOWLEDGEMENT_WINDOW_SECONDS } from '../inquiries/send-follow-ups.js';
import type { Brand, SendOutcome } from '../messages.js';
import type { SendGate } from '../sending/send-gate.js';
import { tryEvery } from '../sending/try-every.js';
import { looksAutomated } from './automated-address.js';
import { supportAcknowledgementEmail, supportAcknowledgementSms, supportForwardEmail } from './support-messages.js';
import type { SupportFlag, SupportHolders } from './support-request.js';

/** A stored support request as the outbox reads it back from the table's stream. */
export interface OutboxSupportRequest {
  ticketId: string;
  contactId: string;
  holders: SupportHolders;
  subject: string;
  message: string;
  submitted: { name: string; email?: string; phone?: string };
  receivedAt: string;
  flags: SupportFlag[];
  /** The hashed client address, for the per-IP cap. */
  clientKey?: string;
}

/** The messages a support request owes. */
export type SupportEffect = 'acknowledgement' | 'forward';

/** What happened to one effect: the gate's outcome, or why it was not attempted. */
export type SupportEffectOutcome = SendOutcome | 'skipped_rate_limited' | 'skipped_automated_address';

export interface SendSupportEffectsDeps {
  /** The channels this consumer sends; the other channel's effects are another consumer's. */
  channels: readonly Channel[];
  gate: SendGate;
  limits: SendLimits;
  clock: Clock;
  /** The address salt that the mailbox cap key is keyed with. */
  secrets: SecretsSource;
  brand: Brand;
  /** The configured support mailbox that every request is forwarded to. */
  supportAddress: string;
}

/** Some effects failed; the others went out. The retry resends only the failed ones (the gate dedupes). */
export class SupportEffectsFailedError extends Error {
  constructor(failed: SupportEffect[], options: { cause: unknown }) {
    super(`Support request effects failed: ${failed.join(', ')}`, options);
    this.name = 'SupportEffectsFailedError';
  }
}

/** The channel the acknowledgement goes out on: email when one was given, else a text. */
export function acknowledgementChannel(request: Pick<OutboxSupportRequest, 'submitted'>): Channel {
  return request.submitted.email ? 'email' : 'sms';
}

/**
 * The caps on an acknowledgement, which anyone can cause by typing an address into the form: a
 * few per client IP per hour (shared with inquiry acknowledgements), and one per address per hour
 * (aliases of one mailbox count as one). The request is still stored and still forwarded.
 */
async function capHolds(deps: SendSupportEffectsDeps, request: OutboxSupportRequest, channel: Channel, dedupeKey: string) {
  const now = deps.clock.now();
  if (
    request.clientKey &&
    !(await deps.limits.takeSlot(`ack_ip#${request.clientKey}`, dedupeKey, ACKNOWLEDGEMENTS_PER_IP_PER_HOUR, 3600, now))
  )
    return true;
  const address =
    channel === 'email' && request.submitted.email
      ? mailboxKey((await deps.secrets.getSecrets()).addressSalt, request.submitted.email)
      : `${channel}#${request.holders[channel]}`;
  return !(await deps.limits.takeOnly(`support_acknowledgement#${address}`, dedupeKey, ACKNOWLEDGEMENT_WINDOW_SECONDS, now));
}

/**
 * Sends what a support request owes, each through the send gate under a dedupe key of its own, so
 * that a redelivered stream record sends nothing twice: the acknowledgement to the person (by
 * email, or by text where the number has SMS consent: the gate decides) and the forward to the
 * support mailbox, with Reply-To set to the person's email. Both are tried even when one fails.
 */
export async function sendSupportEffects(
  deps: SendSupportEffectsDeps,
  request: OutboxSupportRequest,
): Promise<Partial<Record<SupportEffect, SupportEffectOutcome>>> {
  const ackChannel = acknowledgementChannel(request);
  const send = async (effect: SupportEffect): Promise<SupportEffectOutcome> => {
    const dedupeKey = `support#${request.ticketId}#${effect}`;
    if (effect === 'forward') {
      return deps.gate.send({
        audience: 'staff',
        channel: 'email',
        recipientId: 'support_mailbox',
        to: deps.supportAddress,
        contactId: request.contactId,
        dedupeKey,
        body: supportForwardEmail({ ...request, ...request.submitted }),
        ...(request.submitted.email ? { replyTo: request.submitted.email } : {}),
      });
    }
    const holder = request.holders[ackChannel];
    if (!holder) return 'skipped_no_address';
    // RFC 3834 §2: an automatic reply never goes to an automatic sender.
    if (ackChannel === 'email' && request.submitted.email && looksAutomated(request.submitted.email))
      return 'skipped_automated_address';
    if (await capHolds(deps, request, ackChannel, dedupeKey)) return 'skipped_rate_limited';
    if (ackChannel === 'email') {
      return deps.gate.send({
        audience: 'contact',
        channel: 'email',
        category: 'transactional',
        contactId: holder,
        dedupeKey,
        body: supportAcknowledgementEmail(deps.brand, request.submitted.name, request.ticketId),
        autoReply: true,
      });
    }
    // A transactional text: the gate sends it only where the number has SMS consent and no STOP.
    return deps.gate.send({
      audience: 'contact',
      channel: 'sms',
      category: 'transactional',
      contactId: holder,
      dedupeKey,
      body: supportAcknowledgementSms(deps.brand, request.ticketId),
    });
  };

  const owed = (['acknowledgement', 'forward'] as const).filter((effect) =>
    deps.channels.includes(effect === 'forward' ? 'email' : ackChannel),
  );
  return tryEvery(owed, send, (failed, options) => new SupportEffectsFailedError(failed, options));
}
