import type { Clock } from '../../ports/clock.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SendLimits } from '../../ports/send-limits.js';
import type { SubscriptionStore } from '../../ports/subscription-store.js';
import { clientKey, mailboxKey } from '../cap-keys.js';
import type { Channel } from '../consent.js';
import type { Brand, SendOutcome } from '../messages.js';
import type { GateMessage, SendGate } from '../sending/send-gate.js';
import { confirmUrlFor } from '../subscriptions/confirmation.js';
import { tryEvery } from '../sending/try-every.js';
import { acknowledgementEmail, salesNotificationEmail, smsOptInConfirmation } from './follow-up-messages.js';
import type { LeadDetails } from './follow-up-messages.js';
import type { FollowUp, InquiryHolders, InquiryRecord } from './inquiry.js';

/** A stored inquiry as its outbox record carries it. */
export interface OutboxInquiry extends LeadDetails {
  contactId: string;
  holders: InquiryHolders;
  consentRequests: InquiryRecord['consentRequests'];
  followUps: FollowUp[];
  /** The client address the inquiry came from, for the per-IP SMS cap. */
  ip?: string;
}

/** The channel each follow-up goes out on; each outbox consumer sends one channel's. */
export const FOLLOW_UP_CHANNEL: Record<FollowUp, Channel> = {
  acknowledgement: 'email',
  sales_notification: 'email',
  sms_opt_in_confirmation: 'sms',
};

/** At most one acknowledgement per email address in this window; later inquiries still reach sales. */
export const ACKNOWLEDGEMENT_WINDOW_SECONDS = 3600;
/** Acknowledgements one client IP may cause per hour, to any addresses. */
export const ACKNOWLEDGEMENTS_PER_IP_PER_HOUR = 20;
/** At most one SMS opt-in confirmation per number in this window (SPEC §2). */
export const SMS_CONFIRMATION_WINDOW_SECONDS = 24 * 3600;

/** The log message the daily-budget alarm counts: keep it and the CDK metric filter in step. */
export const SMS_BUDGET_EXHAUSTED = 'SMS daily budget exhausted';

/** What happened to one follow-up: the gate's outcome, or a cap that held it back. */
export type FollowUpOutcome = SendOutcome | 'skipped_rate_limited' | 'skipped_budget_exhausted';

export interface SendFollowUpsDeps {
  /** The channels this consumer sends; the other channel's follow-ups are another consumer's. */
  channels: readonly Channel[];
  gate: SendGate;
  limits: SendLimits;
  subscriptions: Pick<SubscriptionStore, 'pendingTopics'>;
  secrets: SecretsSource;
  clock: Clock;
  brand: Brand;
  salesAddress: string;
  smsMessagesPerMonth: number;
  smsCaps: { perIpPerHour: number; dailyBudget: number };
}

/** Some follow-ups failed; the others went out. The retry resends only the failed ones. */
export class FollowUpsFailedError extends Error {
  constructor(failed: FollowUp[], options: { cause: unknown }) {
    super(`Follow-ups failed: ${failed.join(', ')}`, options);
    this.name = 'FollowUpsFailedError';
  }
}

/** The deployment's address salt, which the cap keys are keyed with. */
const saltOf = async (deps: Pick<SendFollowUpsDeps, 'secrets'>) => (await deps.secrets.getSecrets()).addressSalt;

/**
 * The caps on a text that anyone can cause by typing a number into a form (SMS pumping): a few per
 * client IP per hour, one per number per 24 hours, and a daily budget for the deployment. The IP
 * is checked first, so one client cannot block many numbers; a number's slot is given back when
 * the budget holds the text back, so its owner is not locked out for a day by someone else.
 */
async function smsCapHolds(
  deps: SendFollowUpsDeps,
  inquiry: OutboxInquiry,
  smsHolder: string,
  dedupeKey: string,
): Promise<FollowUpOutcome | undefined> {
  const now = deps.clock.now();
  if (
    inquiry.ip &&
    !(await deps.limits.takeSlot(
      `sms_ip#${clientKey(await saltOf(deps), inquiry.ip)}`,
      dedupeKey,
      deps.smsCaps.perIpPerHour,
      3600,
      now,
    ))
  )
    return 'skipped_rate_limited';
  const numberSlot = `sms_confirmation#${smsHolder}`;
  if (!(await deps.limits.takeOnly(numberSlot, dedupeKey, SMS_CONFIRMATION_WINDOW_SECONDS, now))) return 'skipped_rate_limited';
  if (!(await deps.limits.takeBudget('sms_daily', deps.smsCaps.dailyBudget, 24 * 3600, now))) {
    await deps.limits.releaseOnly(numberSlot, dedupeKey);
    return 'skipped_budget_exhausted';
  }
  return undefined;
}

/**
 * The caps on an acknowledgement, which anyone can cause by typing an address into a form: one
 * per mailbox per hour (aliases such as `name+tag@` and Gmail's dotted forms count as one
 * mailbox), and a few per client IP per hour, taken together in one round trip: both or neither,
 * so a client held back by its IP cap takes no mailbox's slot. Sales still hear of every inquiry.
 */
async function acknowledgementCapHolds(deps: SendFollowUpsDeps, inquiry: OutboxInquiry, dedupeKey: string): Promise<boolean> {
  const now = deps.clock.now();
  const salt = await saltOf(deps);
  const mailbox = inquiry.email ? mailboxKey(salt, inquiry.email) : inquiry.holders.email;
  const only = { name: `acknowledgement#${mailbox}`, windowSeconds: ACKNOWLEDGEMENT_WINDOW_SECONDS };
  if (!inquiry.ip) return !(await deps.limits.takeOnly(only.name, dedupeKey, only.windowSeconds, now));
  const slot = { name: `ack_ip#${clientKey(salt, inquiry.ip)}`, limit: ACKNOWLEDGEMENTS_PER_IP_PER_HOUR, windowSeconds: 3600 };
  return !(await deps.limits.takeSlotAndOnly(slot, only, dedupeKey, now));
}

/**
 * Sends what an inquiry owes, each through the send gate with a dedupe key of its own, so that
 * a redelivered outbox record sends nothing twice. The acknowledgement goes to the contact that
 * holds the email, the SMS confirmation to the one that holds the number, and the sales email
 * carries what the form said. Every follow-up is tried even when one fails.
 */
export async function sendInquiryFollowUps(
  deps: SendFollowUpsDeps,
  inquiry: OutboxInquiry,
): Promise<Partial<Record<FollowUp, FollowUpOutcome>>> {
  const send = async (followUp: FollowUp): Promise<FollowUpOutcome> => {
    const dedupeKey = `inquiry#${inquiry.inquiryId}#${followUp}`;
    switch (followUp) {
      case 'acknowledgement': {
        const holder = inquiry.holders.email;
        if (!holder) return 'skipped_no_address';
        // Under double opt-in the acknowledgement carries the link that confirms the email consent.
        // The pending request is read while the caps are taken: neither waits for the other.
        const [capped, pending] = await Promise.all([
          acknowledgementCapHolds(deps, inquiry, dedupeKey),
          inquiry.consentRequests.email?.mode === 'double' ? deps.subscriptions.pendingTopics(holder, 'email') : undefined,
        ]);
        if (capped) return 'skipped_rate_limited';
        const message: GateMessage = {
          audience: 'contact',
          channel: 'email',
          category: 'transactional',
          contactId: holder,
          dedupeKey,
          // The confirm link is bound to the address the gate sends to (SPEC §2).
          body: async (email) =>
            acknowledgementEmail(
              deps.brand,
              inquiry.name,
              inquiry.topic,
              pending?.length ? await confirmUrlFor(deps, holder, pending, email) : undefined,
            ),
          autoReply: true,
          ...(inquiry.email ? { expectedAddress: inquiry.email } : {}),
        };
        return deps.gate.send(message);
      }
      case 'sms_opt_in_confirmation': {
        const holder = inquiry.holders.sms;
        const request = inquiry.consentRequests.sms;
        if (!holder || !request) return 'skipped_no_address';
        const capped = await smsCapHolds(deps, inquiry, holder, dedupeKey);
        if (capped) return capped;
        return deps.gate.send({
          audience: 'contact',
          channel: 'sms',
          category: 'transactional',
          contactId: holder,
          dedupeKey,
          body: smsOptInConfirmation(deps.brand, deps.smsMessagesPerMonth, request.mode),
          ...(request.mode === 'double' ? { optInRequest: true as const } : {}),
          ...(inquiry.phone ? { expectedAddress: inquiry.phone } : {}),
        });
      }
      case 'sales_notification':
        return deps.gate.send({
          audience: 'staff',
          channel: 'email',
          recipientId: 'sales_mailbox',
          to: deps.salesAddress,
          contactId: inquiry.contactId,
          dedupeKey,
          body: salesNotificationEmail(deps.brand, inquiry),
        });
    }
  };

  const owed = inquiry.followUps.filter((followUp) => deps.channels.includes(FOLLOW_UP_CHANNEL[followUp]));
  return tryEvery(owed, send, (failed, options) => new FollowUpsFailedError(failed, options));
}
