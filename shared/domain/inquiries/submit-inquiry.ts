import type { PolicyVersions } from '../../ports/policy-versions.js';
import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { ContactKeys, IdempotencyRecord, InquiryStore } from '../../ports/inquiry-store.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { addressKey } from '../address-key.js';
import { normaliseEmail } from '../contact.js';
import { INQUIRY_CONSENT_WORDING, TOPICS, wordingHash } from '../consent.js';
import type { Channel, ConsentEvent } from '../consent.js';
import { IdempotencyConflictError } from '../errors.js';
import type { FollowUp, InquiryInput, InquiryReceipt, InquiryRecord, VisitMetadata } from './inquiry.js';

/** A retry with the same Idempotency-Key within this window returns the first response. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

export interface SubmitInquiryDeps {
  store: InquiryStore;
  secrets: SecretsSource;
  clock: Clock;
  newId: () => string;
  brandName: string;
  policy: Pick<PolicyVersions, 'inForce'>;
}

/** The request fingerprint an Idempotency-Key is bound to. */
function requestHash(input: InquiryInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

async function resolveContactId(store: InquiryStore, keys: ContactKeys, newId: () => string): Promise<string> {
  const found = await store.findContactIds(keys);
  const known = found.byEmail ?? found.byPhone;
  const fullyLinked =
    known !== undefined &&
    (keys.emailKey === undefined || found.byEmail !== undefined) &&
    (keys.phoneKey === undefined || found.byPhone !== undefined);
  if (fullyLinked) return known;
  return store.reserveContactKeys(keys, known ?? newId());
}

/**
 * The ids of this inquiry and its contact. With an Idempotency-Key, an earlier request's ids win,
 * and a key reused for another body is refused before anything is written.
 */
async function assignIds(
  deps: SubmitInquiryDeps,
  keys: ContactKeys,
  input: InquiryInput,
  idempotencyKey: string | undefined,
): Promise<{ inquiryId: string; contactId: string }> {
  if (idempotencyKey === undefined) {
    return { inquiryId: deps.newId(), contactId: await resolveContactId(deps.store, keys, deps.newId) };
  }
  const hash = requestHash(input);
  const keyHash = createHash('sha256').update(idempotencyKey).digest('base64url');
  const checked = (record: IdempotencyRecord) => {
    if (record.requestHash !== hash) throw new IdempotencyConflictError();
    // Saving again finishes what the first request may not have; it is a no-op once stored.
    return { inquiryId: record.inquiryId, contactId: record.contactId };
  };
  const earlier = await deps.store.findIdempotencyRecord(keyHash);
  if (earlier) return checked(earlier);
  const ids = { inquiryId: deps.newId(), contactId: await resolveContactId(deps.store, keys, deps.newId) };
  const raced = await deps.store.claimIdempotencyKey(keyHash, { ...ids, requestHash: hash }, IDEMPOTENCY_WINDOW_SECONDS);
  return raced ? checked(raced) : ids;
}

/**
 * Captures one sales inquiry: finds or creates the contact, records consent exactly as ticked,
 * and stores the inquiry with the follow-ups it owes. The follow-ups are sent later, from the
 * stored outbox, so a failing provider never loses the inquiry.
 */
export async function submitInquiry(
  deps: SubmitInquiryDeps,
  input: InquiryInput,
  visit: Omit<VisitMetadata, 'receivedAt'>,
  idempotencyKey?: string,
): Promise<InquiryReceipt> {
  const { addressSalt } = await deps.secrets.getSecrets();
  const email = input.email === undefined ? undefined : normaliseEmail(input.email);
  const phone = input.phone;
  const keys: ContactKeys = {
    ...(email ? { emailKey: addressKey(addressSalt, 'email', email) } : {}),
    ...(phone ? { phoneKey: addressKey(addressSalt, 'sms', phone) } : {}),
  };

  const { inquiryId, contactId } = await assignIds(deps, keys, input, idempotencyKey);
  const hash = idempotencyKey === undefined ? undefined : requestHash(input);

  const now = deps.clock.now();
  const receivedAt = now.toISOString();
  const policyVersion = (await deps.policy.inForce(now)).version;
  const consentFor = (channel: Channel): ConsentEvent => ({
    channel,
    topics: [...TOPICS],
    action: 'grant',
    source: 'inquiry_form',
    at: receivedAt,
    ...(visit.ip ? { ip: visit.ip } : {}),
    ...(visit.userAgent ? { userAgent: visit.userAgent } : {}),
    ...(input.pageUrl ? { pageUrl: input.pageUrl } : {}),
    policyVersion,
    wordingHash: wordingHash(INQUIRY_CONSENT_WORDING[channel](deps.brandName)),
  });
  const smsConsent = input.consent.sms && phone !== undefined;
  const consentEvents: ConsentEvent[] = [];
  if (input.consent.email && email) consentEvents.push(consentFor('email'));
  if (smsConsent) consentEvents.push(consentFor('sms'));

  const followUps: FollowUp[] = [];
  if (email) followUps.push('acknowledgement');
  if (smsConsent) followUps.push('sms_opt_in_confirmation');
  followUps.push('sales_notification');

  const record: InquiryRecord = {
    inquiryId,
    contactId,
    contact: {
      name: input.name,
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      ...(input.companyName ? { companyName: input.companyName } : {}),
      ...(input.dealershipType ? { dealershipType: input.dealershipType } : {}),
      ...(input.timezone ? { timeZone: input.timezone } : {}),
    },
    inquiry: {
      topic: input.topic,
      ...(input.message ? { message: input.message } : {}),
      ...(input.pageUrl ? { pageUrl: input.pageUrl } : {}),
    },
    visit: { ...visit, receivedAt },
    consentEvents,
    followUps,
    ...(hash ? { requestHash: hash } : {}),
  };
  await deps.store.saveInquiry(record);
  return { inquiryId, contactId };
}
