import type { Clock } from '../../ports/clock.js';
import type { AddressBook } from '../../ports/address-book.js';
import type { RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SubscriptionStore } from '../../ports/subscription-store.js';
import { addressKey } from '../address-key.js';
import { clientKey, mailboxKey } from '../cap-keys.js';
import { hasOptIn } from '../consent.js';
import type { Topic } from '../consent.js';
import { normaliseEmail } from '../contact.js';

/** At most one confirmation email per address in this window, however many sign-ups arrive. */
export const CONFIRMATION_WINDOW_SECONDS = 3600;

export interface RequestSubscriptionDeps {
  addresses: Pick<AddressBook, 'claim'>;
  subscriptions: SubscriptionStore;
  directory: RecipientDirectory;
  secrets: SecretsSource;
  clock: Clock;
  newId: () => string;
}

export interface SubscriptionRequest {
  email: string;
  /** The client address that asked, for the per-IP cap on confirmation emails. */
  clientIp?: string;
  name?: string;
  topics: Topic[];
}

/**
 * A newsletter sign-up (double opt-in): nothing is granted until the person confirms from the
 * email. The caller answers the same whatever happens here, so no one learns who is subscribed.
 * Topics already confirmed are left alone: re-subscribing never un-confirms anyone.
 *
 * Every address, new, known, opted in or suppressed, takes the same steps with the same DynamoDB
 * calls, so that the time the answer takes tells nothing either (SPEC §2): the claim always runs
 * (it returns the holder of a known address), the conditional create always runs (a no-op for a
 * contact that exists), and a sign-up that asks only for confirmed topics still makes the
 * confirmation's writes, conditioned so that they record nothing. The send gate, not this code,
 * keeps a suppressed address from being mailed.
 */
export async function requestSubscription(deps: RequestSubscriptionDeps, request: SubscriptionRequest): Promise<void> {
  const email = normaliseEmail(request.email);
  const { addressSalt } = await deps.secrets.getSecrets();
  const emailKey = addressKey(addressSalt, 'email', email);
  const at = deps.clock.now().toISOString();

  const candidate = deps.newId();
  const contactId = (await deps.addresses.claim({ emailKey }, candidate)).byEmail ?? candidate;
  await deps.subscriptions.createUnconfirmedContact(contactId, email, request.name, at);

  const recipient = await deps.directory.getRecipient(contactId);
  const alreadyConfirmed = (topic: Topic) =>
    recipient !== undefined && !recipient.emailOptOutAll && hasOptIn(recipient.preferences, 'email', topic);
  const wanted = request.topics.filter((topic) => !alreadyConfirmed(topic));
  const sender = {
    mailbox: mailboxKey(addressSalt, email),
    ...(request.clientIp ? { client: clientKey(addressSalt, request.clientIp) } : {}),
  };
  if (wanted.length === 0) await deps.subscriptions.requestNoConfirmation(contactId, at, CONFIRMATION_WINDOW_SECONDS, sender);
  else await deps.subscriptions.requestConfirmation(contactId, wanted, at, CONFIRMATION_WINDOW_SECONDS, sender);
}
