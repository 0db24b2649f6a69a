import type { Clock } from '../../ports/clock.js';
import type { AddressBook } from '../../ports/address-book.js';
import type { RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SubscriptionStore } from '../../ports/subscription-store.js';
import { addressKey } from '../address-key.js';
import { hasOptIn } from '../consent.js';
import type { Topic } from '../consent.js';
import { normaliseEmail } from '../contact.js';

/** At most one confirmation email per address in this window, however many sign-ups arrive. */
export const CONFIRMATION_WINDOW_SECONDS = 3600;

export interface RequestSubscriptionDeps {
  addresses: Pick<AddressBook, 'holders' | 'claim'>;
  subscriptions: SubscriptionStore;
  directory: RecipientDirectory;
  secrets: SecretsSource;
  clock: Clock;
  newId: () => string;
}

export interface SubscriptionRequest {
  email: string;
  name?: string;
  topics: Topic[];
}

/**
 * A newsletter sign-up (double opt-in): nothing is granted until the person confirms from the
 * email. The caller answers the same whatever happens here, so no one learns who is subscribed.
 * Topics already confirmed are left alone: re-subscribing never un-confirms anyone.
 */
export async function requestSubscription(deps: RequestSubscriptionDeps, request: SubscriptionRequest): Promise<void> {
  const email = normaliseEmail(request.email);
  const { addressSalt } = await deps.secrets.getSecrets();
  const emailKey = addressKey(addressSalt, 'email', email);
  const at = deps.clock.now().toISOString();

  const { byEmail } = await deps.addresses.holders({ emailKey });
  const candidate = deps.newId();
  const contactId = byEmail ?? (await deps.addresses.claim({ emailKey }, candidate)).byEmail ?? candidate;
  if (contactId === candidate) await deps.subscriptions.createUnconfirmedContact(contactId, email, request.name, at);

  const recipient = await deps.directory.getRecipient(contactId);
  const alreadyConfirmed = (topic: Topic) =>
    recipient !== undefined && !recipient.emailOptOutAll && hasOptIn(recipient.preferences, 'email', topic);
  const wanted = request.topics.filter((topic) => !alreadyConfirmed(topic));
  if (wanted.length === 0) return;
  await deps.subscriptions.requestConfirmation(contactId, wanted, at, CONFIRMATION_WINDOW_SECONDS);
}
