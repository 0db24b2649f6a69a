import type { AddressBook } from '../ports/address-book.js';
import type { Clock } from '../ports/clock.js';
import type { ConsentStore } from '../ports/consent-store.js';
import type { PolicyVersions } from '../ports/policy-versions.js';
import type { Recipient, RecipientDirectory } from '../ports/recipient-directory.js';
import { planConsentChange } from './consent.js';
import type { Channel, ConsentChange, ConsentContext } from './consent.js';

export interface AddressConsentDeps {
  addresses: Pick<AddressBook, 'holders'>;
  directory: RecipientDirectory;
  consent: ConsentStore;
  policy: Pick<PolicyVersions, 'inForce'>;
  clock: Clock;
}

/** What a consent change found and did. */
export interface AddressConsentResult {
  contactId: string;
  /** The contact as it was before the change. */
  before: Recipient;
  /** How many ledger records the change wrote (0 when it changed nothing). */
  recorded: number;
}

/**
 * Finds the contact that holds an address, plans the change against its current consent and
 * records it with the ledger: the one way a bounce, a complaint, a text or the channel's opt-out
 * list changes what an address receives. Undefined when no contact holds the address.
 */
export async function changeAddressConsent(
  deps: AddressConsentDeps,
  address: { channel: Channel; key: string },
  changes: readonly ConsentChange[],
  context: Omit<ConsentContext, 'policyVersion'>,
): Promise<AddressConsentResult | undefined> {
  const holders = await deps.addresses.holders(
    address.channel === 'email' ? { emailKey: address.key } : { phoneKey: address.key },
  );
  const contactId = address.channel === 'email' ? holders.byEmail : holders.byPhone;
  const before = contactId ? await deps.directory.getRecipient(contactId) : undefined;
  if (!contactId || !before) return undefined;
  const { events, next } = planConsentChange(
    { preferences: before.preferences, emailOptOutAll: before.emailOptOutAll ?? false },
    changes,
    { ...context, policyVersion: (await deps.policy.inForce(deps.clock.now())).version },
  );
  await deps.consent.recordConsent(contactId, events, next);
  return { contactId, before, recorded: events.length };
}
