import type { AddressBook } from '../../ports/address-book.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SubscriptionStore } from '../../ports/subscription-store.js';
import { changeAddressConsent } from '../address-consent.js';
import type { AddressConsentDeps } from '../address-consent.js';
import { addressKey } from '../address-key.js';
import { TOPICS, hasAnyOptIn } from '../consent.js';
import type { ConsentChange } from '../consent.js';
import type { Brand, SmsBody } from '../messages.js';
import type { SendGate } from '../sending/send-gate.js';
import { classifyInboundSms } from './keywords.js';
import type { InboundIntent } from './keywords.js';

export interface InboundSmsDeps extends AddressConsentDeps {
  addresses: Pick<AddressBook, 'holders' | 'markStopped' | 'clearStopped' | 'isStopped'>;
  subscriptions: Pick<SubscriptionStore, 'pendingTopics' | 'clearSmsPending'>;
  gate: SendGate;
  secrets: SecretsSource;
  brand: Brand;
  smsMessagesPerMonth: number;
}

/** One inbound text, as SNS delivers it from the SMS channel. */
export interface InboundSms {
  from: string;
  body: string;
  messageId: string;
}

/** The replies (CTIA): no marketing in any of them. */
export const keywordReplies = {
  opt_out: (brand: Brand): SmsBody => ({
    text: `${brand.brandName}: You are unsubscribed and will receive no more texts from us. Reply START to resubscribe.`,
  }),
  opt_in: (brand: Brand, perMonth: number): SmsBody => ({
    text:
      `${brand.brandName}: You are subscribed to texts with updates and offers. Up to ${perMonth} msgs/mo. ` +
      'Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  }),
  help: (brand: Brand): SmsBody => ({
    text: `${brand.brandName}: For help email ${brand.supportEmail} or call ${brand.supportPhone}. Msg & data rates may apply. Reply STOP to opt out.`,
  }),
};

/**
 * Acts on an inbound text, the only way a number grants SMS consent. STOP and its kin (or a plain
 * request to stop) stop the number itself, whichever contact holds it, withdraw SMS for every
 * topic and send one confirmation; START, UNSTOP or YES lift the STOP and opt in to the topics
 * the number's pending request named (all topics when none is pending); HELP or INFO get the
 * support contacts. The reply is keyed by the inbound message, so a redelivered text replies once.
 */
export async function handleInboundSms(deps: InboundSmsDeps, sms: InboundSms): Promise<InboundIntent | 'unknown_sender'> {
  const intent = classifyInboundSms(sms.body);
  if (intent === 'other') return intent;
  const { addressSalt } = await deps.secrets.getSecrets();
  const phoneKey = addressKey(addressSalt, 'sms', sms.from);
  const at = deps.clock.now().toISOString();
  const wasStopped = await deps.addresses.isStopped(phoneKey);
  if (intent === 'opt_out') await deps.addresses.markStopped(phoneKey, at);
  if (intent === 'opt_in') await deps.addresses.clearStopped(phoneKey);

  const { byPhone: contactId } = await deps.addresses.holders({ phoneKey });
  const recipient = contactId ? await deps.directory.getRecipient(contactId) : undefined;
  // Without a contact there is no consent to change; the STOP marker and the channel's own
  // opt-out list still hold the number.
  if (!contactId || !recipient) return 'unknown_sender';

  const reply = (body: SmsBody) =>
    deps.gate.send({
      audience: 'contact',
      channel: 'sms',
      category: 'transactional',
      contactId,
      dedupeKey: `sms-inbound#${sms.messageId}`,
      body,
      keywordReply: intent,
    });
  const change = (changes: ConsentChange[]) =>
    changeAddressConsent(deps, { channel: 'sms', key: phoneKey }, changes, {
      source: 'sms_keyword',
      at,
      wording: `Text reply: ${sms.body.trim().slice(0, 160)}`,
    });

  if (intent === 'opt_out') {
    // The confirmation goes first (keyed by this message, so a retry never sends it twice), and
    // only when this text is what opted the number out; then SMS is withdrawn for every topic.
    if (!wasStopped || hasAnyOptIn(recipient.preferences, 'sms')) await reply(keywordReplies.opt_out(deps.brand));
    await change([{ channel: 'sms', topics: TOPICS, action: 'withdraw', allOfChannel: true }]);
  } else if (intent === 'opt_in') {
    const pending = await deps.subscriptions.pendingTopics(contactId, 'sms');
    await change([{ channel: 'sms', topics: pending?.length ? pending : TOPICS, action: 'grant' }]);
    await deps.subscriptions.clearSmsPending(contactId);
    await reply(keywordReplies.opt_in(deps.brand, deps.smsMessagesPerMonth));
  } else {
    await reply(keywordReplies.help(deps.brand));
  }
  return intent;
}
