import { TOPICS } from '../consent.js';
import type { ConsentChange, ConsentState } from '../consent.js';
import { NotFoundError } from '../errors.js';
import type { TokenClaims } from '../tokens.js';
import { applyChanges } from './preference-center.js';
import type { PreferenceDeps, PreferenceView, RequestContext } from './preference-center.js';
import { verifyLink } from './links.js';

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

/** Verifies an unsubscribe token and says what it would withdraw, changing nothing (link scanners GET it). */
export async function previewUnsubscribe(deps: PreferenceDeps, token: string | undefined): Promise<{ scope: string }> {
  const claims = await verifyLink(deps.secrets, token, 'unsubscribe', deps.clock.now().getTime());
  if (!(await deps.directory.getRecipient(claims.contactId))) throw new NotFoundError('We hold no data for this link any more.');
  return { scope: describeScope(claims) };
}

/**
 * Withdraws the token's scope at once (CAN-SPAM, RFC 8058): one topic by email, all email, or all
 * texts. A second call finds nothing to change and records nothing.
 */
export async function unsubscribe(
  deps: PreferenceDeps,
  token: string | undefined,
  request: RequestContext,
): Promise<{ scope: string; view: PreferenceView }> {
  const claims = await verifyLink(deps.secrets, token, 'unsubscribe', deps.clock.now().getTime());
  const recipient = await deps.directory.getRecipient(claims.contactId);
  if (!recipient) throw new NotFoundError('We hold no data for this link any more.');
  const current: ConsentState = { preferences: recipient.preferences, emailOptOutAll: recipient.emailOptOutAll ?? false };
  const change: ConsentChange =
    claims.channel === 'email' && claims.topic !== 'all'
      ? { channel: 'email', topics: [claims.topic], action: 'withdraw' }
      : { channel: claims.channel, topics: TOPICS, action: 'withdraw', allOfChannel: true };
  const scope = describeScope(claims);
  const view = await applyChanges(
    deps,
    claims.contactId,
    recipient,
    current,
    [change],
    'one_click_unsubscribe',
    request,
    UNSUBSCRIBE_WORDING(scope),
  );
  return { scope, view };
}
