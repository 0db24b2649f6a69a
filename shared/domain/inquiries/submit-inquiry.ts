import type { PolicyVersions } from '../../ports/policy-versions.js';
import { createHash } from 'node:crypto';
import type { AddressBook, AddressHolders, ContactKeys } from '../../ports/address-book.js';
import type { Clock } from '../../ports/clock.js';
import type { IdempotencyRecord, InquiryStore } from '../../ports/inquiry-store.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { contactKeysOf } from '../address-key.js';
import { normaliseEmail } from '../contact.js';
import { inquiryWordingHash, TOPICS } from '../consent.js';
import type { Channel } from '../consent.js';
import { IdempotencyConflictError } from '../errors.js';
import type {
  ConsentRequest,
  FollowUp,
  InquiryInput,
  InquiryReceipt,
  InquiryRecord,
  OptInMode,
  VisitMetadata,
} from './inquiry.js';

/** A retry with the same Idempotency-Key within this window returns the first response. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

export interface SubmitInquiryDeps {
  store: InquiryStore;
  addresses: AddressBook;
  secrets: SecretsSource;
  clock: Clock;
  newId: () => string;
  brandName: string;
  policy: Pick<PolicyVersions, 'inForce'>;
  optIn: Record<Channel, OptInMode>;
}

/** The request fingerprint an Idempotency-Key is bound to. */
function requestHash(input: InquiryInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/**
 * Finds the contact that holds each address by claiming it for a new contact: an address someone
 * holds stays theirs (the claim returns the holder), and addresses nobody held go to the new
 * contact, made for them alone. So a form can neither take over a contact nor merge two, and a
 * known address costs the same calls as a new one (SPEC §2: not even timing tells).
 */
async function resolveHolders(
  addresses: AddressBook,
  keys: ContactKeys,
  newId: () => string,
): Promise<{ holders: AddressHolders; newContactId?: string }> {
  const candidate = newId();
  const holders = await addresses.claim(keys, candidate);
  const won = holders.byEmail === candidate || holders.byPhone === candidate;
  return won ? { holders, newContactId: candidate } : { holders };
}

/** An Idempotency-Key as stored: hashed, with the fingerprint of the request it was first used for. */
interface IdempotencyClaim {
  keyHash: string;
  requestHash: string;
  earlier?: IdempotencyRecord;
}

/**
 * Reads what an earlier request with this Idempotency-Key left, and refuses a key used for another
 * body before anything is written, not even an address claim: a refused request leaves no trace.
 */
async function checkIdempotencyKey(
  deps: SubmitInquiryDeps,
  input: InquiryInput,
  idempotencyKey: string | undefined,
): Promise<IdempotencyClaim | undefined> {
  if (idempotencyKey === undefined) return undefined;
  const claim = { keyHash: createHash('sha256').update(idempotencyKey).digest('base64url'), requestHash: requestHash(input) };
  const earlier = await deps.store.findIdempotencyRecord(claim.keyHash);
  if (earlier && earlier.requestHash !== claim.requestHash) throw new IdempotencyConflictError();
  return { ...claim, ...(earlier ? { earlier } : {}) };
}

/**
 * The id of this inquiry and the contact it is filed under. With an Idempotency-Key, an earlier
 * request's ids win; of two requests racing with one key, the first to claim it does.
 */
async function assignIds(
  deps: SubmitInquiryDeps,
  filedUnder: string,
  idempotency: IdempotencyClaim | undefined,
): Promise<{ inquiryId: string; contactId: string }> {
  // Saving again finishes what the first request may not have; it is a no-op once stored.
  if (idempotency?.earlier) return { inquiryId: idempotency.earlier.inquiryId, contactId: idempotency.earlier.contactId };
  const ids = { inquiryId: deps.newId(), contactId: filedUnder };
  if (!idempotency) return ids;
  const raced = await deps.store.claimIdempotencyKey(
    idempotency.keyHash,
    { ...ids, requestHash: idempotency.requestHash },
    IDEMPOTENCY_WINDOW_SECONDS,
  );
  if (raced && raced.requestHash !== idempotency.requestHash) throw new IdempotencyConflictError();
  return raced ? { inquiryId: raced.inquiryId, contactId: raced.contactId } : ids;
}

/**
 * Captures one sales inquiry. The form's addresses are matched to the contacts that hold them,
 * and nothing stored about those contacts changes. A ticked consent box is a request: under
 * double opt-in (the default) it is granted only when the address confirms it, and a number that
 * texted STOP is never opted in by a form. The follow-ups are sent later, from the stored outbox,
 * so a failing provider never loses the inquiry.
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
  const keys = contactKeysOf(addressSalt, email, phone);
  const idempotency = await checkIdempotencyKey(deps, input, idempotencyKey);
  // Every request reads the STOP marker when it names a phone, so timing tells nothing.
  const [{ holders, newContactId }, stopped] = await Promise.all([
    resolveHolders(deps.addresses, keys, deps.newId),
    keys.phoneKey ? deps.addresses.isStopped(keys.phoneKey) : Promise.resolve(false),
  ]);
  const filedUnder = holders.byEmail ?? holders.byPhone;
  if (!filedUnder) throw new Error('An inquiry names an email or a phone');
  const { inquiryId, contactId } = await assignIds(deps, filedUnder, idempotency);
  const hash = idempotency?.requestHash;

  const now = deps.clock.now();
  const receivedAt = now.toISOString();
  const policyVersion = (await deps.policy.inForce(now)).version;
  const requestFor = (channel: Channel): ConsentRequest => ({
    mode: deps.optIn[channel],
    policyVersion,
    wordingHash: inquiryWordingHash(channel, deps.brandName),
  });
  // Records are built by assignment, in the order a reader sees them: each conditional spread after
  // an object's first property is a runtime call in V8 (about a microsecond each, warm).
  const consentRequests: InquiryRecord['consentRequests'] = {};
  if (input.consent.email && holders.byEmail) consentRequests.email = requestFor('email');
  if (input.consent.sms && holders.byPhone && !stopped) consentRequests.sms = requestFor('sms');
  const grantNow = (channel: Channel) => consentRequests[channel]?.mode === 'single';
  const consentEvents = (['email', 'sms'] as const).filter(grantNow).map((channel) => ({
    channel,
    topics: [...TOPICS],
    action: 'grant' as const,
    source: 'inquiry_form' as const,
    at: receivedAt,
    ...(visit.ip ? { ip: visit.ip } : {}),
    ...(visit.userAgent ? { userAgent: visit.userAgent } : {}),
    ...(input.pageUrl ? { pageUrl: input.pageUrl } : {}),
    policyVersion,
    wordingHash: inquiryWordingHash(channel, deps.brandName),
  }));

  const followUps: FollowUp[] = [];
  if (email) followUps.push('acknowledgement');
  if (consentRequests.sms) followUps.push('sms_opt_in_confirmation');
  followUps.push('sales_notification');

  const filedHolders: InquiryRecord['holders'] = {};
  if (holders.byEmail) filedHolders.email = holders.byEmail;
  if (holders.byPhone) filedHolders.sms = holders.byPhone;
  const submitted: InquiryRecord['submitted'] = { name: input.name };
  if (email) submitted.email = email;
  if (phone) submitted.phone = phone;
  if (input.companyName) submitted.companyName = input.companyName;
  if (input.dealershipType) submitted.dealershipType = input.dealershipType;
  if (input.timezone) submitted.timeZone = input.timezone;
  const inquiry: InquiryRecord['inquiry'] = { topic: input.topic };
  if (input.message) inquiry.message = input.message;
  if (input.pageUrl) inquiry.pageUrl = input.pageUrl;
  const record: InquiryRecord = {
    inquiryId,
    contactId,
    holders: filedHolders,
    submitted,
    inquiry,
    visit: { ...visit, receivedAt },
    consentRequests,
    consentEvents,
    followUps,
  };
  if (newContactId) record.newContactId = newContactId;
  if (hash) record.requestHash = hash;
  await deps.store.saveInquiry(record);
  return { inquiryId };
}
