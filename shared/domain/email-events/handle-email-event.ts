import type { SecretsSource } from '../../ports/secrets.js';
import type { SuppressionStore } from '../../ports/suppression-store.js';
import { changeAddressConsent } from '../address-consent.js';
import type { AddressConsentDeps } from '../address-consent.js';
import { addressKey } from '../address-key.js';
import { TOPICS } from '../consent.js';
import { normaliseEmail } from '../contact.js';

/** Three soft bounces within this many days suppress an address (SPEC §3). */
export const SOFT_BOUNCE_WINDOW_DAYS = 30;
export const SOFT_BOUNCE_LIMIT = 3;

/** A bounce or complaint as SES reports it, reduced to what the rules need. */
export interface EmailEvent {
  type: 'bounce' | 'complaint';
  /** SES `bounceType`: `Permanent` is a hard bounce; `Transient` and `Undetermined` are soft. */
  bounceType?: string;
  recipients: string[];
  feedbackId: string;
  at: string;
}

export interface EmailEventDeps extends AddressConsentDeps {
  suppressions: SuppressionStore;
  secrets: SecretsSource;
}

/** What happened to each recipient, for the log (no addresses). */
export type EmailEventOutcome = 'suppressed' | 'soft_bounce_counted';

/**
 * Applies a bounce or complaint: a hard bounce suppresses the address; a complaint withdraws every
 * email topic and suppresses it; the third soft bounce within 30 days suppresses it. Replaying the
 * same event changes nothing more.
 */
export async function handleEmailEvent(deps: EmailEventDeps, event: EmailEvent): Promise<EmailEventOutcome[]> {
  const { addressSalt } = await deps.secrets.getSecrets();
  const outcomes: EmailEventOutcome[] = [];
  for (const recipient of event.recipients) {
    const key = addressKey(addressSalt, 'email', normaliseEmail(recipient));
    const hard = event.type === 'complaint' || event.bounceType === 'Permanent';
    if (!hard) {
      const softBounces = await deps.suppressions.recordSoftBounce(key, event.feedbackId, event.at, SOFT_BOUNCE_WINDOW_DAYS);
      if (softBounces < SOFT_BOUNCE_LIMIT) {
        outcomes.push('soft_bounce_counted');
        continue;
      }
    }
    await deps.suppressions.suppress(
      'email',
      key,
      event.type === 'complaint' ? 'complaint' : hard ? 'hard_bounce' : 'soft_bounces',
      event.at,
    );
    if (event.type === 'complaint' || event.bounceType === 'Permanent') await withdrawAllEmail(deps, key, event);
    outcomes.push('suppressed');
  }
  return outcomes;
}

async function withdrawAllEmail(deps: EmailEventDeps, emailKey: string, event: EmailEvent): Promise<void> {
  await changeAddressConsent(
    deps,
    { channel: 'email', key: emailKey },
    [{ channel: 'email', topics: TOPICS, action: 'withdraw', allOfChannel: true }],
    {
      source: event.type === 'complaint' ? 'complaint' : 'bounce',
      at: event.at,
      wording: event.type === 'complaint' ? 'Marked our email as spam' : 'Address bounced permanently',
    },
  );
}
