import type { AddressBook } from '../../ports/address-book.js';
import type { Clock } from '../../ports/clock.js';
import type { PrivacyRequestStore } from '../../ports/privacy-requests.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { addressKey } from '../address-key.js';
import { clientKey, mailboxKey } from '../cap-keys.js';
import { normaliseEmail } from '../contact.js';
import { maskEmail } from '../masking.js';
import { clocksFor } from './clocks.js';
import type { PrivacyRequest, PrivacyRequestType } from './privacy-request.js';

/** Privacy-request records are kept 24 months (11 CCR §7102), then TTL removes them. */
export const PRIVACY_RECORD_MONTHS = 24;

export interface SubmitPrivacyRequestDeps {
  addresses: Pick<AddressBook, 'holders'>;
  requests: Pick<PrivacyRequestStore, 'create'>;
  secrets: SecretsSource;
  clock: Clock;
  /** A random, unguessable id. */
  newId: () => string;
  /** The deployment's time zone, in which business days are counted. */
  timeZone: string;
}

export interface PrivacyRequestInput {
  type: PrivacyRequestType;
  email: string;
  details?: string;
  /** The client address that asked, for the per-IP cap on acknowledgements. */
  clientIp?: string;
}

/**
 * Records a privacy request with its clocks, received now, and queues its acknowledgement (which
 * carries the verification link) in the same write. The caller answers the same 202 whatever
 * happens here, and every address takes the same calls (one lookup read, one two-item transaction)
 * so that neither the answer nor its timing tells whether the address is known (SPEC §2).
 *
 * For an address no contact holds, nothing is sent: the acknowledgement task is still written (it
 * finds no contact and sends nothing), and the record is kept masked, without the raw address, as
 * `not_held`. It is kept because the law asks for a record of every request received and how it
 * was answered (11 CCR §7101); the HMAC lets staff answer "did this address ask?" and nothing more.
 */
export async function submitPrivacyRequest(deps: SubmitPrivacyRequestDeps, input: PrivacyRequestInput): Promise<void> {
  const email = normaliseEmail(input.email);
  const { addressSalt } = await deps.secrets.getSecrets();
  const emailKey = addressKey(addressSalt, 'email', email);
  const mailbox = mailboxKey(addressSalt, email);
  const { byEmail: contactId } = await deps.addresses.holders({ emailKey });
  const now = deps.clock.now();
  const clocks = clocksFor(now, deps.timeZone);
  const request: PrivacyRequest = {
    requestId: deps.newId(),
    type: input.type,
    status: contactId ? 'pending_verification' : 'not_held',
    emailKey,
    mailboxKey: mailbox,
    maskedEmail: maskEmail(email),
    ...clocks,
    ...(contactId ? { email, contactId } : {}),
    ...(input.details && contactId ? { details: input.details } : {}),
    steps: [
      { at: clocks.receivedAt, step: 'received', by: 'system', ...(contactId ? {} : { note: 'no contact holds this address' }) },
    ],
  };
  await deps.requests.create(request, {
    mailbox,
    ...(input.clientIp ? { client: clientKey(addressSalt, input.clientIp) } : {}),
  });
}

/** The epoch second a privacy-request record expires, 24 months after receipt. */
export function recordExpiry(receivedAt: string): number {
  const date = new Date(receivedAt);
  date.setUTCMonth(date.getUTCMonth() + PRIVACY_RECORD_MONTHS);
  return Math.floor(date.getTime() / 1000);
}
