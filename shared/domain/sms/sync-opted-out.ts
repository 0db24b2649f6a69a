import type { PolicyVersions } from '../../ports/policy-versions.js';
import type { Clock } from '../../ports/clock.js';
import type { ConsentStore } from '../../ports/consent-store.js';
import type { InquiryStore } from '../../ports/inquiry-store.js';
import type { RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SmsOptOutList } from '../../ports/sms-opt-out-list.js';
import { addressKey } from '../address-key.js';
import { TOPICS, planConsentChange } from '../consent.js';

export interface SyncOptedOutDeps {
  optOutList: SmsOptOutList;
  identities: Pick<InquiryStore, 'findContactIds'>;
  directory: RecipientDirectory;
  consent: ConsentStore;
  secrets: SecretsSource;
  clock: Clock;
  policy: Pick<PolicyVersions, 'inForce'>;
}

/** The wording recorded for withdrawals found on the channel's list. */
export const CARRIER_OPT_OUT_WORDING = 'Opted out of texts with the SMS channel (reply STOP to the sending number)';

/**
 * Brings the ledger in line with the SMS channel's opt-out list: every number on it that still has
 * an SMS opt-in gets a withdrawal. Numbers already withdrawn record nothing, so the job can run often.
 */
export async function syncOptedOutNumbers(deps: SyncOptedOutDeps): Promise<{ checked: number; withdrawn: number }> {
  const { addressSalt } = await deps.secrets.getSecrets();
  const policyVersion = (await deps.policy.inForce(deps.clock.now())).version;
  let checked = 0;
  let withdrawn = 0;
  for await (const phone of deps.optOutList.optedOutNumbers()) {
    checked += 1;
    const { byPhone: contactId } = await deps.identities.findContactIds({ phoneKey: addressKey(addressSalt, 'sms', phone) });
    const contact = contactId ? await deps.directory.getRecipient(contactId) : undefined;
    if (!contactId || !contact) continue;
    const { events, next } = planConsentChange(
      { preferences: contact.preferences, emailOptOutAll: contact.emailOptOutAll ?? false },
      [{ channel: 'sms', topics: TOPICS, action: 'withdraw', allOfChannel: true }],
      {
        source: 'sms_keyword',
        at: deps.clock.now().toISOString(),
        policyVersion,
        wording: CARRIER_OPT_OUT_WORDING,
      },
    );
    if (events.length === 0) continue;
    await deps.consent.recordConsent(contactId, events, next);
    withdrawn += 1;
  }
  return { checked, withdrawn };
}
