import type { SubscriptionStore } from '../../ports/subscription-store.js';
import type { Topic } from '../consent.js';
import { verifyAddressLink } from '../preferences/links.js';
import { recordConsentChanges } from '../preferences/preference-center.js';
import type { PreferenceDeps, RequestContext } from '../preferences/preference-center.js';
import { topicList } from './confirmation.js';

/** The statement the person confirms; its hash goes into the ledger. */
export const SUBSCRIPTION_WORDING = (brand: string, topics: string) =>
  `Yes, ${brand} may email me ${topics}. I can unsubscribe at any time from the link in every email.`;

/** What a confirmation link would confirm, changing nothing (link scanners GET it). */
export async function previewConfirmation(
  deps: PreferenceDeps,
  token: string | undefined,
): Promise<{ topics: Topic[]; description: string }> {
  const { claims } = await verifyAddressLink(deps, token, 'subscription_confirm', deps.clock.now().getTime());
  return { topics: claims.topics, description: topicList(claims.topics) };
}

/** Grants the confirmed topics by email (double opt-in complete). Confirming twice records nothing new. */
export async function confirmSubscription(
  deps: PreferenceDeps & { subscriptions: SubscriptionStore },
  token: string | undefined,
  request: RequestContext,
): Promise<{ description: string }> {
  const { claims, recipient } = await verifyAddressLink(deps, token, 'subscription_confirm', deps.clock.now().getTime());
  const description = topicList(claims.topics);
  await recordConsentChanges(
    deps,
    claims.contactId,
    { preferences: recipient.preferences, emailOptOutAll: recipient.emailOptOutAll ?? false },
    [{ channel: 'email', topics: claims.topics, action: 'grant' }],
    'subscription_form',
    request,
    SUBSCRIPTION_WORDING(deps.brandName, description),
  );
  await deps.subscriptions.markConfirmed(claims.contactId);
  return { description };
}
