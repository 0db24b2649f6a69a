import type { Clock } from '../../ports/clock.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SendLimits } from '../../ports/send-limits.js';
import type { ConfirmationSender, SubscriptionStore } from '../../ports/subscription-store.js';
import type { Topic } from '../consent.js';
import { addressTag } from '../address-key.js';
import { escapeHtml } from '../html.js';
import type { Brand, EmailBody, SendOutcome } from '../messages.js';
import type { SendGate } from '../sending/send-gate.js';
import { issueToken } from '../tokens.js';

export const SUBSCRIPTION_TOPIC_LABELS: Record<Topic, string> = {
  newsletter: 'our newsletter',
  product_updates: 'product updates',
  marketing: 'offers and promotions',
};

/** "our newsletter and product updates" */
export function topicList(topics: readonly Topic[]): string {
  const labels = topics.map((topic) => SUBSCRIPTION_TOPIC_LABELS[topic]);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** The double opt-in email: what was asked for, one confirm link, and what to do if it was not you. */
export function confirmationEmail(brand: Brand, topics: readonly Topic[], confirmUrl: string): EmailBody {
  const what = topicList(topics);
  const lines = [
    `Someone, hopefully you, asked to receive ${what} from ${brand.brandName} at this address.`,
    'Nothing is sent until you confirm. The link works for 7 days.',
    'If you did not ask for this, ignore this email and you will hear nothing more.',
  ];
  return {
    subject: `Please confirm your subscription - ${brand.brandName}`,
    text: [lines[0], '', `Confirm: ${confirmUrl}`, '', lines[1], lines[2]].join('\n'),
    html:
      `<p>${escapeHtml(lines[0] ?? '')}</p>` +
      `<p><a href="${escapeHtml(confirmUrl)}">Confirm my subscription</a></p>` +
      `<p>${escapeHtml(lines[1] ?? '')}</p><p>${escapeHtml(lines[2] ?? '')}</p>`,
  };
}

/**
 * The link that confirms the pending topics of a contact's email (double opt-in), tagged with the
 * address it goes to: after staff correct the email, it confirms nothing for the new one.
 */
export async function confirmUrlFor(
  deps: { secrets: SecretsSource; clock: Clock; brand: Brand },
  contactId: string,
  topics: readonly Topic[],
  email: string,
): Promise<string> {
  const { keyring, addressSalt } = await deps.secrets.getSecrets();
  const token = issueToken(
    keyring,
    contactId,
    { purpose: 'subscription_confirm', topics: [...topics], tag: addressTag(addressSalt, 'email', email) },
    deps.clock.now().getTime(),
  );
  return `${deps.brand.publicBaseUrl.replace(/\/$/, '')}/subscriptions/confirm?token=${token}`;
}

export interface SendConfirmationDeps {
  gate: SendGate;
  subscriptions: Pick<SubscriptionStore, 'pendingTopics'>;
  limits: SendLimits;
  secrets: SecretsSource;
  brand: Brand;
  clock: Clock;
}

/** Sign-up confirmations one client IP may cause per hour, to any addresses. */
export const CONFIRMATIONS_PER_IP_PER_HOUR = 20;
/** At most one sign-up confirmation per mailbox in this window (its aliases included). */
export const MAILBOX_CONFIRMATION_WINDOW_SECONDS = 3600;

/**
 * Sends one queued confirmation, for the topics pending when it goes out. Nothing pending (already
 * confirmed, or expired) means nothing to send. Anyone can type any address into the sign-up
 * form, so confirmations are capped per client IP and per mailbox (`name+tag@` and Gmail's dotted
 * forms reach one inbox), on top of the one per exact address per hour that queueing keeps.
 */
export async function sendSubscriptionConfirmation(
  deps: SendConfirmationDeps,
  message: { contactId: string; dedupeKey: string } & Partial<ConfirmationSender>,
): Promise<SendOutcome | 'nothing_pending' | 'skipped_rate_limited'> {
  const topics = await deps.subscriptions.pendingTopics(message.contactId);
  if (!topics || topics.length === 0) return 'nothing_pending';
  const now = deps.clock.now();
  if (
    message.client &&
    !(await deps.limits.takeSlot(
      `confirmation_ip#${message.client}`,
      message.dedupeKey,
      CONFIRMATIONS_PER_IP_PER_HOUR,
      3600,
      now,
    ))
  )
    return 'skipped_rate_limited';
  if (
    message.mailbox &&
    !(await deps.limits.takeOnly(`confirmation#${message.mailbox}`, message.dedupeKey, MAILBOX_CONFIRMATION_WINDOW_SECONDS, now))
  )
    return 'skipped_rate_limited';
  return deps.gate.send({
    audience: 'contact',
    channel: 'email',
    category: 'transactional',
    contactId: message.contactId,
    dedupeKey: message.dedupeKey,
    body: async (email) => confirmationEmail(deps.brand, topics, await confirmUrlFor(deps, message.contactId, topics, email)),
  });
}
