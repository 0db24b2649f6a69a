import type { PolicyVersions } from '../../ports/policy-versions.js';
import type { Clock } from '../../ports/clock.js';
import { ContactNotFoundError } from '../../ports/consent-store.js';
import type { ConsentStore } from '../../ports/consent-store.js';
import type { RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { CHANNELS, TOPICS, hasAnyOptIn, hasOptIn, planConsentChange } from '../consent.js';
import type { Channel, ConsentChange, ConsentSource, ConsentState, PreferenceKey, Topic } from '../consent.js';
import { NotFoundError } from '../errors.js';
import { maskEmail, maskPhone } from '../masking.js';
import { verifyLink } from './links.js';

export interface PreferenceDeps {
  secrets: SecretsSource;
  directory: RecipientDirectory;
  consent: ConsentStore;
  clock: Clock;
  policy: Pick<PolicyVersions, 'inForce'>;
  brandName: string;
}

/** What the preference center shows: masked addresses and every topic × channel. */
export interface PreferenceView {
  brand: string;
  contact: { email?: string; phone?: string };
  preferences: Record<Channel, Record<Topic, boolean>>;
  unsubscribedFromAllEmail: boolean;
  textsStopped: boolean;
}

/** A requested change from the preference center: topic boxes plus the two channel-wide switches. */
export interface PreferenceUpdate {
  topics: Partial<Record<PreferenceKey, boolean>>;
  unsubscribeAllEmail?: boolean;
  stopAllTexts?: boolean;
}

/** Who made the change, for the ledger. */
export interface RequestContext {
  ip?: string;
  userAgent?: string;
  pageUrl?: string;
}

/** The consent statement of the preference center; its hash goes into each ledger record. */
export const PREFERENCE_CENTER_WORDING = (brand: string) =>
  `Choose what ${brand} may send you. Tick a topic to receive it by email or text; untick it to stop. ` +
  'Texts: msg & data rates may apply; reply STOP to opt out.';

function viewOf(brand: string, contact: { email?: string; phone?: string }, state: ConsentState): PreferenceView {
  const preferences = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      Object.fromEntries(TOPICS.map((topic) => [topic, hasOptIn(state.preferences, channel, topic)])),
    ]),
  ) as PreferenceView['preferences'];
  return {
    brand,
    contact: {
      ...(contact.email ? { email: maskEmail(contact.email) } : {}),
      ...(contact.phone ? { phone: maskPhone(contact.phone) } : {}),
    },
    preferences,
    unsubscribedFromAllEmail: state.emailOptOutAll,
    textsStopped: !hasAnyOptIn(state.preferences, 'sms'),
  };
}

async function subjectOf(deps: PreferenceDeps, contactId: string) {
  const recipient = await deps.directory.getRecipient(contactId);
  if (!recipient) throw new NotFoundError('We hold no data for this link any more.');
  return recipient;
}

/** The preference center's state for the contact a preferences token names. */
export async function readPreferences(deps: PreferenceDeps, token: string | undefined): Promise<PreferenceView> {
  const claims = await verifyLink(deps.secrets, token, 'preferences', deps.clock.now().getTime());
  const recipient = await subjectOf(deps, claims.contactId);
  return viewOf(deps.brandName, recipient, {
    preferences: recipient.preferences,
    emailOptOutAll: recipient.emailOptOutAll ?? false,
  });
}

/**
 * Applies the changes a person makes in the preference center. A channel-wide switch wins over
 * the topic boxes of its channel. Only real changes reach the ledger.
 */
export async function updatePreferences(
  deps: PreferenceDeps,
  token: string | undefined,
  update: PreferenceUpdate,
  request: RequestContext,
): Promise<PreferenceView> {
  const claims = await verifyLink(deps.secrets, token, 'preferences', deps.clock.now().getTime());
  const recipient = await subjectOf(deps, claims.contactId);
  const current: ConsentState = { preferences: recipient.preferences, emailOptOutAll: recipient.emailOptOutAll ?? false };

  const changes: ConsentChange[] = [];
  for (const channel of CHANNELS) {
    const stopAll = channel === 'email' ? update.unsubscribeAllEmail === true : update.stopAllTexts === true;
    if (stopAll) {
      changes.push({ channel, topics: TOPICS, action: 'withdraw', allOfChannel: true });
      continue;
    }
    const wanted = (value: boolean) => TOPICS.filter((topic) => update.topics[`${channel}:${topic}`] === value);
    changes.push({ channel, topics: wanted(false), action: 'withdraw' });
    changes.push({ channel, topics: wanted(true), action: 'grant' });
    if (channel === 'email' && update.unsubscribeAllEmail === false)
      changes.push({ channel, topics: [], action: 'grant', allOfChannel: true });
  }
  return applyChanges(deps, claims.contactId, recipient, current, changes, 'preference_center', request);
}

/** Records changes and returns the new view; shared by the preference center and unsubscribe. */
export async function applyChanges(
  deps: PreferenceDeps,
  contactId: string,
  contact: { email?: string; phone?: string },
  current: ConsentState,
  changes: readonly ConsentChange[],
  source: ConsentSource,
  request: RequestContext,
  wording: string = PREFERENCE_CENTER_WORDING(deps.brandName),
): Promise<PreferenceView> {
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
  return viewOf(deps.brandName, contact, next);
}
