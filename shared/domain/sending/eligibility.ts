import { hasAnyOptIn, hasOptIn } from '../consent.js';
import type { Channel } from '../consent.js';
import type { Category, SendOutcome } from '../messages.js';
import { isWithinSendingHours } from '../quiet-hours.js';
import type { Recipient } from '../../ports/recipient-directory.js';

/** What the gate knows when it decides whether one message to a contact may go out now. */
export interface EligibilityInput {
  channel: Channel;
  category: Category;
  recipient: Recipient;
  suppressed: boolean;
  /** The number texted STOP: nothing but the replies to its own texts reaches it. */
  stopped?: boolean;
  /** A STOP/START/HELP reply, which goes out whatever the SMS consent (CTIA). */
  keywordReply: boolean;
  /** The text that asks a number to reply YES (double opt-in): sent before consent, never after STOP. */
  optInRequest?: boolean;
  at: Date;
}

/**
 * The consent rules of SPEC §2 as one pure decision: `'send'`, or the reason not to send now.
 * Suppression always wins; quiet hours only ever defer.
 */
export function decideEligibility(input: EligibilityInput): 'send' | Exclude<SendOutcome, 'sent' | 'already_sent'> {
  const { channel, category, recipient } = input;
  const address = channel === 'email' ? recipient.email : recipient.phone;
  if (!address) return 'skipped_no_address';
  if (input.suppressed) return 'skipped_suppressed';

  if (channel === 'email') {
    if (category === 'transactional') return 'send';
    if (category === 'service_notice') return recipient.emailOptOutAll ? 'skipped_opted_out' : 'send';
    // A legal notice (a transfer of ownership) is owed to every address we hold: leaving all email does not end it.
    if (category === 'legal_notice') return 'send';
    return !recipient.emailOptOutAll && hasOptIn(recipient.preferences, 'email', category) ? 'send' : 'skipped_opted_out';
  }

  // Keyword replies are transactional by construction; a STOP holds for every other text.
  if (input.keywordReply && category === 'transactional') return 'send';
  if (input.stopped) return 'skipped_opted_out';
  if (category === 'transactional') {
    return input.optInRequest || hasAnyOptIn(recipient.preferences, 'sms') ? 'send' : 'skipped_opted_out';
  }
  const consented =
    category === 'service_notice' || category === 'legal_notice'
      ? hasAnyOptIn(recipient.preferences, 'sms')
      : hasOptIn(recipient.preferences, 'sms', category);
  if (!consented) return 'skipped_opted_out';
  return isWithinSendingHours(input.at, recipient.timeZone) ? 'send' : 'deferred_quiet_hours';
}
