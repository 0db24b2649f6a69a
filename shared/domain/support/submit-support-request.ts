import type { AddressBook } from '../../ports/address-book.js';
import type { Clock } from '../../ports/clock.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SupportRequestStore } from '../../ports/support-requests.js';
import { contactKeysOf } from '../address-key.js';
import { clientKey } from '../cap-keys.js';
import { normaliseEmail } from '../contact.js';
import { privacyFlagsOf } from './privacy-flags.js';
import type { SupportReceipt, SupportRequestInput, SupportRequestRecord } from './support-request.js';

export interface SubmitSupportRequestDeps {
  store: SupportRequestStore;
  addresses: AddressBook;
  secrets: SecretsSource;
  clock: Clock;
  /** A new contact id (a ULID in production). */
  newContactId: () => string;
  /** A new ticket id: random and unguessable (`newTicketId`). */
  newTicketId: () => string;
}

/**
 * Captures one support request. Its addresses are matched to the contacts that hold them, by
 * claiming them for a new contact: an address someone holds stays theirs, and nothing stored about
 * them changes (SPEC §2); a known address costs the same calls as a new one, so neither the answer
 * nor its timing tells. The request is filed under the holder of its email, else of its phone,
 * flagged when it plainly asks for a privacy right or an opt-out, and its messages leave later
 * from the stored record (the outbox).
 */
export async function submitSupportRequest(
  deps: SubmitSupportRequestDeps,
  input: SupportRequestInput,
  visit: { ip?: string },
): Promise<SupportReceipt> {
  const { addressSalt } = await deps.secrets.getSecrets();
  const email = input.email === undefined ? undefined : normaliseEmail(input.email);
  const phone = input.phone;
  const keys = contactKeysOf(addressSalt, email, phone);
  const candidate = deps.newContactId();
  const holders = await deps.addresses.claim(keys, candidate);
  const contactId = holders.byEmail ?? holders.byPhone;
  if (!contactId) throw new Error('A support request names an email or a phone');
  const won = holders.byEmail === candidate || holders.byPhone === candidate;

  const ticketId = deps.newTicketId();
  const record: SupportRequestRecord = {
    ticketId,
    contactId,
    holders: {
      ...(holders.byEmail ? { email: holders.byEmail } : {}),
      ...(holders.byPhone ? { sms: holders.byPhone } : {}),
    },
    ...(won ? { newContactId: candidate } : {}),
    subject: input.subject,
    message: input.message,
    submitted: { name: input.name, ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
    receivedAt: deps.clock.now().toISOString(),
    status: 'open',
    flags: privacyFlagsOf(input.subject, input.message),
    ...(visit.ip ? { clientKey: clientKey(addressSalt, visit.ip) } : {}),
  };
  await deps.store.saveSupportRequest(record);
  return { ticketId };
}
