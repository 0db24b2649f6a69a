import type { PolicyVersions } from '../../ports/policy-versions.js';
import type { Clock } from '../../ports/clock.js';
import type { ConsentStore } from '../../ports/consent-store.js';
import type { InquiryStore } from '../../ports/inquiry-store.js';
import type { RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { addressKey } from '../address-key.js';
import { TOPICS, hasAnyOptIn, planConsentChange } from '../consent.js';
import type { ConsentChange } from '../consent.js';
import type { Brand, SmsBody } from '../messages.js';
import type { SendGate } from '../sending/send-gate.js';
import { classifyInboundSms } from './keywords.js';
import type { InboundIntent } from './keywords.js';

export interface InboundSmsDeps {
  identities: Pick<InquiryStore, 'findContactIds'>;
  directory: RecipientDirectory;
  consent: ConsentStore;
  gate: SendGate;
  secrets: SecretsSource;
  clock: Clock;
  brand: Brand;
  policy: Pick<PolicyVersions, 'inForce'>;
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
      `${brand.brandName}: You are subscribed again to texts with updates and offers. Up to ${perMonth} msgs/mo. ` +
      'Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  }),
  help: (brand: Brand): SmsBody => ({
    text: `${brand.brandName}: For help email ${brand.supportEmail} or call ${brand.supportPhone}. Msg & data rates may apply. Reply STOP to opt out.`,
  }),
};

/**
 * Acts on an inbound text: STOP and its kin (or a plain request to stop) withdraw SMS for every
 * topic and send one confirmation; START, UNSTOP or YES opt back in; HELP or INFO get the support
 * contacts. The reply is keyed by the inbound message, so a redelivered text replies once.
 */
export async function handleInboundSms(deps: InboundSmsDeps, sms: InboundSms): Promise<InboundIntent | 'unknown_sender'> {
  const intent = classifyInboundSms(sms.body);
  if (intent === 'other') return intent;
  const { addressSalt } = await deps.secrets.getSecrets();
  const { byPhone: contactId } = await deps.identities.findContactIds({ phoneKey: addressKey(addressSalt, 'sms', sms.from) });
  const recipient = contactId ? await deps.directory.getRecipient(contactId) : undefined;
  // Without a contact there is no consent to change; the channel's own opt-out list still holds the number.
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
  const change = async (changes: ConsentChange[]) => {
    const { events, next } = planConsentChange(
      { preferences: recipient.preferences, emailOptOutAll: recipient.emailOptOutAll ?? false },
      changes,
      {
        source: 'sms_keyword',
        at: deps.clock.now().toISOString(),
        policyVersion: (await deps.policy.inForce(deps.clock.now())).version,
        wording: `Text reply: ${sms.body.trim().slice(0, 160)}`,
      },
    );
    await deps.consent.recordConsent(contactId, events, next);
  };

  if (intent === 'opt_out') {
    // The confirmation goes first (keyed by this message, so a retry never sends it twice), and
    // only when this text is what opted the person out; then SMS is withdrawn for every topic.
    if (hasAnyOptIn(recipient.preferences, 'sms')) await reply(keywordReplies.opt_out(deps.brand));
    await change([{ channel: 'sms', topics: TOPICS, action: 'withdraw', allOfChannel: true }]);
  } else if (intent === 'opt_in') {
    await change([{ channel: 'sms', topics: TOPICS, action: 'grant' }]);
    await reply(keywordReplies.opt_in(deps.brand, deps.smsMessagesPerMonth));
  } else {
    await reply(keywordReplies.help(deps.brand));
  }
  return intent;
}
