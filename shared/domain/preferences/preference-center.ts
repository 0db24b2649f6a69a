import type { PolicyVersions } from '../../ports/policy-versions.js';
import type { Clock } from '../../ports/clock.js';
import { ContactNotFoundError } from '../../ports/consent-store.js';
import type { ConsentStore } from '../../ports/consent-store.js';
import type { Recipient, RecipientDirectory } from '../../ports/recipient-directory.js';
import type { AddressBook } from '../../ports/address-book.js';
import { addressKey } from '../address-key.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { CHANNELS, TOPICS, hasAnyOptIn, hasOptIn, planConsentChange } from '../consent.js';
import type { Channel, ConsentChange, ConsentSource, ConsentState, PreferenceKey, Topic } from '../consent.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { ErrorDetail } from '../errors.js';
import { maskEmail, maskPhone } from '../masking.js';
import { verifyAddressLink } from './links.js';

export interface PreferenceDeps {
  /** Where a "Stop all texts" is held for the number itself, as a STOP is. */
  addresses: Pick<AddressBook, 'markStopped'>;
  secrets: SecretsSource;
  directory: RecipientDirectory;
  consent: ConsentStore;
  clock: Clock;
  policy: Pick<PolicyVersions, 'inForce'>;
  brandName: string;
}

interface ViewOfAddress {
  brand: string;
  /** The address the link was sent to, masked. */
  address: string;
  /** Each topic on this address's channel. */
  topics: Record<Topic, boolean>;
}

/**
 * What the preference center shows: one address (the one the link was sent to) and its
 * channel's topics, never the contact's other address (SPEC §2 "A link governs only the address
 * it was sent to").
 */
export type PreferenceView =
  | (ViewOfAddress & { channel: 'email'; unsubscribedFromAllEmail: boolean })
  | (ViewOfAddress & { channel: 'sms'; textsStopped: boolean });

/**
 * A requested change, as a form or JSON body names it: topic boxes by channel and topic, plus the
 * two channel-wide switches. Only the link's channel may be named.
 */
export interface PreferenceUpdate {
  topics: Partial<Record<PreferenceKey, boolean>>;
  unsubscribeAllEmail?: boolean;
  stopAllTexts?: boolean;
  /**
   * A form states the whole page: a box of the link's channel that it does not name is unticked,
   * so an empty form means "no topics". A JSON body changes only what it names.
   */
  complete?: boolean;
}

/** Who made the change, for the ledger. */
export interface RequestContext {
  ip?: string;
  userAgent?: string;
  pageUrl?: string;
}

/** The channel-wide switch of each channel, as the page and a JSON body name it. */
export const STOP_ALL_FIELD = { email: 'unsubscribeAllEmail', sms: 'stopAllTexts' } as const satisfies Record<
  Channel,
  keyof PreferenceUpdate
>;

/** The form field, and JSON path, of one topic box: `email.newsletter`. */
export const topicField = (channel: Channel, topic: Topic) => `${channel}.${topic}`;

/**
 * The statement the preference center shows for a channel; its hash goes into each ledger record.
 * Texts start only by a reply from the number (SPEC §2), so the SMS page can only stop them.
 */
export const PREFERENCE_CENTER_WORDING = (brand: string, channel: Channel) =>
  channel === 'email'
    ? `Choose what ${brand} may email to this address. Tick a topic to receive it; untick it to stop.`
    : `Choose what ${brand} may text to this number. Untick a topic to stop it. ` +
      'Msg & data rates may apply. Reply STOP to any of our texts to opt out, START to opt in again.';

/** An address masked as the pages show it. */
export function maskAddress(channel: Channel, address: string): string {
  return channel === 'email' ? maskEmail(address) : maskPhone(address);
}

function stateOf(recipient: Recipient): ConsentState {
  return { preferences: recipient.preferences, emailOptOutAll: recipient.emailOptOutAll ?? false };
}

function viewOf(brand: string, channel: Channel, address: string, state: ConsentState): PreferenceView {
  const base = {
    brand,
    address: maskAddress(channel, address),
    topics: Object.fromEntries(TOPICS.map((topic) => [topic, hasOptIn(state.preferences, channel, topic)])) as Record<
      Topic,
      boolean
    >,
  };
  return channel === 'email'
    ? { ...base, channel, unsubscribedFromAllEmail: state.emailOptOutAll }
    : { ...base, channel, textsStopped: !hasAnyOptIn(state.preferences, 'sms') };
}

/** The fields of an update that name another channel than the link's. */
function fieldsOutside(update: PreferenceUpdate, channel: Channel): string[] {
  const others = CHANNELS.filter((other) => other !== channel);
  return others.flatMap((other) => [
    ...TOPICS.filter((topic) => update.topics[`${other}:${topic}`] !== undefined).map((topic) => topicField(other, topic)),
    ...(update[STOP_ALL_FIELD[other]] !== undefined ? [STOP_ALL_FIELD[other]] : []),
  ]);
}

/**
 * Turns an update into the changes it asks for on the link's channel. A channel-wide switch wins
 * over the topic boxes. An SMS topic is never granted here: only a reply from the number opts it
 * in (SPEC §2), so asking for one is a 400.
 */
function changesFor(update: PreferenceUpdate, channel: Channel, current: ConsentState): ConsentChange[] {
  const unstated = update.complete ? false : undefined;
  const stopAll = update[STOP_ALL_FIELD[channel]] ?? unstated;
  if (stopAll === true) return [{ channel, topics: TOPICS, action: 'withdraw', allOfChannel: true }];
  const wanted = (topic: Topic) => update.topics[`${channel}:${topic}`] ?? unstated;
  const granted = TOPICS.filter((topic) => wanted(topic) === true);
  if (channel === 'sms') {
    const starts = granted.filter((topic) => !hasOptIn(current.preferences, 'sms', topic));
    if (starts.length > 0)
      throw new ValidationError(
        starts.map((topic) => ({
          path: topicField('sms', topic),
          message: 'texts start only by a reply from the phone: text START to our number',
        })),
      );
  }
  const changes: ConsentChange[] = [
    { channel, topics: TOPICS.filter((topic) => wanted(topic) === false), action: 'withdraw' },
    { channel, topics: granted, action: 'grant' },
  ];
  // Unticking "Unsubscribe from all email" asks for email again (service notices), even with no topic.
  if (channel === 'email' && stopAll === false) changes.push({ channel, topics: [], action: 'grant', allOfChannel: true });
  return changes;
}

/** The preference center's state for the address a preferences token names. */
export async function readPreferences(deps: PreferenceDeps, token: string | undefined): Promise<PreferenceView> {
  const { claims, recipient, address } = await verifyAddressLink(deps, token, 'preferences', deps.clock.now().getTime());
  return viewOf(deps.brandName, claims.channel, address, stateOf(recipient));
}

/**
 * Applies the changes a person makes in the preference center to the address the link was sent
 * to. An update that names the other channel is a 400 and changes nothing. Only real changes
 * reach the ledger.
 */
export async function updatePreferences(
  deps: PreferenceDeps,
  token: string | undefined,
  update: PreferenceUpdate,
  request: RequestContext,
): Promise<PreferenceView> {
  const { claims, recipient, address } = await verifyAddressLink(deps, token, 'preferences', deps.clock.now().getTime());
  const { contactId, channel } = claims;
  const outside = fieldsOutside(update, channel);
  if (outside.length > 0) {
    const noun = channel === 'email' ? 'this email address' : 'this phone number';
    throw new ValidationError(
      outside.map((path): ErrorDetail => ({ path, message: `is not on this link, which manages ${noun} only` })),
    );
  }
  const current = stateOf(recipient);
  const next = await recordConsentChanges(
    deps,
    contactId,
    current,
    changesFor(update, channel, current),
    'preference_center',
    request,
    PREFERENCE_CENTER_WORDING(deps.brandName, channel),
    address,
  );
  return viewOf(deps.brandName, channel, address, next);
}

/**
 * Records the changes that change something, with the policy version in force and the hash of
 * the wording shown, and returns the state they lead to. Shared by the preference center,
 * unsubscribe and the subscription confirmation.
 */
export async function recordConsentChanges(
  deps: PreferenceDeps,
  contactId: string,
  current: ConsentState,
  changes: readonly ConsentChange[],
  source: ConsentSource,
  request: RequestContext,
  wording: string,
  address?: string,
): Promise<ConsentState> {
  const { events, next } = planConsentChange(current, changes, {
    source,
    at: deps.clock.now().toISOString(),
    policyVersion: (await deps.policy.inForce(deps.clock.now())).version,
    wording,
    ...request,
  });
  try {
    await deps.consent.recordConsent(contactId, events, next);
  } catch (error) {
    if (error instanceof ContactNotFoundError) throw new NotFoundError('We hold no data for this link any more.');
    throw error;
  }
  // "Stop all texts" from a link sent to the number holds for the number, as a STOP does: no
  // later form re-opts it; only a reply from the number does.
  const stopsTexts = changes.some((change) => change.channel === 'sms' && change.action === 'withdraw' && change.allOfChannel);
  if (stopsTexts && address) {
    const { addressSalt } = await deps.secrets.getSecrets();
    await deps.addresses.markStopped(addressKey(addressSalt, 'sms', address), deps.clock.now().toISOString());
  }
  return next;
}
