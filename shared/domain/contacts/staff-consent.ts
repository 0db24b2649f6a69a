import type { AuditLog } from '../../ports/audit-log.js';
import type { ContactRecords } from '../../ports/contact-records.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { addressKey } from '../address-key.js';
import { changeAddressConsent } from '../address-consent.js';
import type { AddressConsentDeps } from '../address-consent.js';
import { auditBeforeRelease } from '../audit.js';
import type { AuditedRequest } from '../audit.js';
import type { Channel, ConsentAction, Topic } from '../consent.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { StaffIdentity } from '../staff.js';
import { auditEntry } from './staff-contacts.js';

/** What the ledger's wording hash stands for on a consent change staff record. */
export const STAFF_CONSENT_WORDING =
  'Recorded by staff from what the person told them by phone or email; the reason says what they said.';

export interface StaffConsentDeps extends AddressConsentDeps {
  records: Pick<ContactRecords, 'profile'>;
  audit: AuditLog;
  secrets: SecretsSource;
}

/** `POST /admin/contacts/{id}/consent`, validated. */
export interface StaffConsentRequest {
  channel: Channel;
  action: ConsentAction;
  topics: readonly Topic[];
  reason: string;
}

/**
 * Records what a person told staff about the messages they want (source `staff`, with the
 * reason), through the one consent service, on the contact's current address for the channel. A
 * grant never overrides what the address itself said: a suppressed address or a number that
 * texted STOP answers 409 and nothing is recorded. The change is audited (action `update`) before
 * it is made.
 */
export async function recordStaffConsent(
  deps: StaffConsentDeps,
  staff: StaffIdentity,
  contactId: string,
  change: StaffConsentRequest,
  request: AuditedRequest,
): Promise<{ id: string; channel: Channel; action: ConsentAction; topics: Topic[]; recorded: number }> {
  const contact = await deps.records.profile(contactId);
  if (!contact) throw new NotFoundError('No such contact.');
  const address = change.channel === 'email' ? contact.email : contact.phone;
  if (address === undefined)
    throw new ConflictError(
      `This contact has no ${change.channel === 'email' ? 'email address' : 'phone number'} to record consent for.`,
    );

  if (change.action === 'grant') {
    const status = await deps.directory.addressStatus(change.channel, address);
    if (status.stopped)
      throw new ConflictError('This number texted STOP. Only a text from it (START, UNSTOP or YES) can opt it in again.');
    if (status.suppressed)
      throw new ConflictError(
        `This ${change.channel === 'email' ? 'email address' : 'phone number'} is suppressed (a bounce, a complaint or an erasure); staff cannot opt it in.`,
      );
  }

  const { addressSalt } = await deps.secrets.getSecrets();
  const key = addressKey(addressSalt, change.channel, address);
  const holders = await deps.addresses.holders(change.channel === 'email' ? { emailKey: key } : { phoneKey: key });
  if ((change.channel === 'email' ? holders.byEmail : holders.byPhone) !== contactId)
    throw new ConflictError('This contact does not hold its address any more; read it again and retry.');

  const at = deps.clock.now().toISOString();
  await auditBeforeRelease(deps.audit, [auditEntry(staff, contactId, 'update', [`consent.${change.channel}`], request, at)]);
  const topics = [...new Set(change.topics)];
  const result = await changeAddressConsent(
    deps,
    { channel: change.channel, key },
    [{ channel: change.channel, topics, action: change.action }],
    { source: 'staff', at, wording: STAFF_CONSENT_WORDING, reason: change.reason },
  );
  if (!result) throw new NotFoundError('No such contact.');
  return { id: contactId, channel: change.channel, action: change.action, topics, recorded: result.recorded };
}
