import { TOPICS } from '../consent.js';
import type { ConsentChange } from '../consent.js';
import type { TokenClaims } from '../tokens.js';
import { maskAddress, recordConsentChanges } from './preference-center.js';
import type { PreferenceDeps, RequestContext } from './preference-center.js';
import { verifyAddressLink } from './links.js';

type UnsubscribeScope = Extract<TokenClaims, { purpose: 'unsubscribe' }>;

const TOPIC_LABELS = {
  newsletter: 'our newsletter',
  product_updates: 'product updates',
  marketing: 'offers and promotions',
} as const;

/** What an unsubscribe link withdraws, in words for its page. */
export function describeScope(scope: Pick<UnsubscribeScope, 'channel' | 'topic'>): string {
  if (scope.channel === 'sms') return 'all text messages';
  return scope.topic === 'all' ? 'all email' : `${TOPIC_LABELS[scope.topic]} by email`;
}

/** The wording of the unsubscribe page; its hash goes into the ledger. */
export const UNSUBSCRIBE_WORDING = (scope: string) => `Unsubscribe from ${scope}. One click, no login.`;

/** What an unsubscribe link withdraws and from which address (masked), for its page. */
export interface UnsubscribeOutcome {
  scope: string;
  address: string;
}

/** Verifies an unsubscribe token and says what it would withdraw, changing nothing (link scanners GET it). */
export async function previewUnsubscribe(deps: PreferenceDeps, token: string | undefined): Promise<UnsubscribeOutcome> {
  const { claims, address } = await verifyAddressLink(deps, token, 'unsubscribe', deps.clock.now().getTime());
  return { scope: describeScope(claims), address: maskAddress(claims.channel, address) };
}

/**
 * Withdraws the token's scope from the address the message went to, at once (CAN-SPAM,
 * RFC 8058): one topic by email, all email, or all texts. A second call finds nothing to change
 * and records nothing.
 */
export async function unsubscribe(
  deps: PreferenceDeps,
  token: string | undefined,
  request: RequestContext,
): Promise<UnsubscribeOutcome> {
  const { claims, recipient, address } = await verifyAddressLink(deps, token, 'unsubscribe', deps.clock.now().getTime());
  const change: ConsentChange =
    claims.channel === 'email' && claims.topic !== 'all'
      ? { channel: 'email', topics: [claims.topic], action: 'withdraw' }
      : { channel: claims.channel, topics: TOPICS, action: 'withdraw', allOfChannel: true };
  const scope = describeScope(claims);
  await recordConsentChanges(
    deps,
    claims.contactId,
    { preferences: recipient.preferences, emailOptOutAll: recipient.emailOptOutAll ?? false },
    [change],
    'one_click_unsubscribe',
    request,
    UNSUBSCRIBE_WORDING(scope),
    address,
  );
  return { scope, address: maskAddress(claims.channel, address) };
}
