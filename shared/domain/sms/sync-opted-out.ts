import type { AddressBook } from '../../ports/address-book.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SmsOptOutList } from '../../ports/sms-opt-out-list.js';
import { changeAddressConsent } from '../address-consent.js';
import type { AddressConsentDeps } from '../address-consent.js';
import { addressKey } from '../address-key.js';
import { TOPICS } from '../consent.js';

export interface SyncOptedOutDeps extends AddressConsentDeps {
  addresses: Pick<AddressBook, 'holders' | 'markStopped'>;
  optOutList: SmsOptOutList;
  secrets: SecretsSource;
}

/** The wording recorded for withdrawals found on the channel's list. */
export const CARRIER_OPT_OUT_WORDING = 'Opted out of texts with the SMS channel (reply STOP to the sending number)';

/**
 * Brings the ledger in line with the SMS channel's opt-out list: every number on it is marked
 * stopped, and one that still has an SMS opt-in gets a withdrawal. Numbers already withdrawn record nothing, so the job can run often.
 */
export async function syncOptedOutNumbers(deps: SyncOptedOutDeps): Promise<{ checked: number; withdrawn: number }> {
  const { addressSalt } = await deps.secrets.getSecrets();
  let checked = 0;
  let withdrawn = 0;
  for await (const phone of deps.optOutList.optedOutNumbers()) {
    checked += 1;
    const key = addressKey(addressSalt, 'sms', phone);
    // The STOP holds for the number itself, whichever contact holds it, or none.
    await deps.addresses.markStopped(key, deps.clock.now().toISOString());
    const result = await changeAddressConsent(
      deps,
      { channel: 'sms', key },
      [{ channel: 'sms', topics: TOPICS, action: 'withdraw', allOfChannel: true }],
      { source: 'sms_keyword', at: deps.clock.now().toISOString(), wording: CARRIER_OPT_OUT_WORDING },
    );
    if (result && result.recorded > 0) withdrawn += 1;
  }
  return { checked, withdrawn };
}
