import type { RecipientDirectory } from '../../ports/recipient-directory.js';
import type { Channel } from '../consent.js';
import type { Brand, SendOutcome } from '../messages.js';
import type { GateMessage, SendGate } from '../sending/send-gate.js';
import { acknowledgementEmail, salesNotificationEmail, smsOptInConfirmation } from './follow-up-messages.js';
import type { LeadDetails } from './follow-up-messages.js';
import type { FollowUp } from './inquiry.js';

/** A stored inquiry as its outbox record carries it. */
export interface OutboxInquiry extends LeadDetails {
  contactId: string;
  followUps: FollowUp[];
}

/** The channel each follow-up goes out on; each outbox consumer sends one channel's. */
export const FOLLOW_UP_CHANNEL: Record<FollowUp, Channel> = {
  acknowledgement: 'email',
  sales_notification: 'email',
  sms_opt_in_confirmation: 'sms',
};

export interface SendFollowUpsDeps {
  /** The channels this consumer sends; the other channel's follow-ups are another consumer's. */
  channels: readonly Channel[];
  gate: SendGate;
  directory: RecipientDirectory;
  brand: Brand;
  salesAddress: string;
  smsMessagesPerMonth: number;
}

/** Some follow-ups failed; the others went out. The retry resends only the failed ones. */
export class FollowUpsFailedError extends Error {
  constructor(failed: FollowUp[], options: { cause: unknown }) {
    super(`Follow-ups failed: ${failed.join(', ')}`, options);
    this.name = 'FollowUpsFailedError';
  }
}

/**
 * Sends what an inquiry owes, each through the send gate with a dedupe key of its own, so that
 * a redelivered outbox record sends nothing twice. Every follow-up is tried even when one fails.
 */
export async function sendInquiryFollowUps(
  deps: SendFollowUpsDeps,
  inquiry: OutboxInquiry,
): Promise<Partial<Record<FollowUp, SendOutcome>>> {
  const contact = await deps.directory.getRecipient(inquiry.contactId);
  const messageFor = (followUp: FollowUp): GateMessage => {
    const dedupeKey = `inquiry#${inquiry.inquiryId}#${followUp}`;
    const base = { contactId: inquiry.contactId, dedupeKey };
    switch (followUp) {
      case 'acknowledgement':
        return {
          ...base,
          audience: 'contact',
          channel: 'email',
          category: 'transactional',
          body: acknowledgementEmail(deps.brand, contact?.name, inquiry.topic),
        };
      case 'sms_opt_in_confirmation':
        return {
          ...base,
          audience: 'contact',
          channel: 'sms',
          category: 'transactional',
          body: smsOptInConfirmation(deps.brand, deps.smsMessagesPerMonth),
        };
      case 'sales_notification':
        return {
          ...base,
          audience: 'staff',
          channel: 'email',
          to: deps.salesAddress,
          body: salesNotificationEmail(deps.brand, contact, inquiry),
        };
    }
  };

  const owed = inquiry.followUps.filter((followUp) => deps.channels.includes(FOLLOW_UP_CHANNEL[followUp]));
  const settled = await Promise.allSettled(owed.map((followUp) => deps.gate.send(messageFor(followUp))));
  const outcomes: Partial<Record<FollowUp, SendOutcome>> = {};
  const failed: FollowUp[] = [];
  const errors: unknown[] = [];
  settled.forEach((result, index) => {
    const followUp = owed[index];
    if (!followUp) return;
    if (result.status === 'fulfilled') outcomes[followUp] = result.value;
    else {
      failed.push(followUp);
      errors.push(result.reason);
    }
  });
  if (failed.length > 0)
    throw new FollowUpsFailedError(failed, { cause: errors.length === 1 ? errors[0] : new AggregateError(errors) });
  return outcomes;
}
