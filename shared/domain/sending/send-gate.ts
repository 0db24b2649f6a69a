import type { Clock } from '../../ports/clock.js';
import type { Mailer } from '../../ports/mailer.js';
import type { RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SendClaim, SendLedger } from '../../ports/send-ledger.js';
import type { SmsSender } from '../../ports/sms-sender.js';
import type { Topic } from '../consent.js';
import { listUnsubscribeHeaders, withEmailFooter, withSmsFooter } from '../footer.js';
import type { Brand, Category, EmailBody, SendOutcome, SmsBody } from '../messages.js';
import { issueShortPreferencesCode, issueToken } from '../tokens.js';
import { decideEligibility } from './eligibility.js';

/** An email to a contact. */
export interface ContactEmail {
  audience: 'contact';
  channel: 'email';
  contactId: string;
  category: Category;
  dedupeKey: string;
  body: EmailBody;
  campaignId?: string;
}

/** An SMS to a contact. */
export interface ContactSms {
  audience: 'contact';
  channel: 'sms';
  contactId: string;
  category: Category;
  dedupeKey: string;
  body: SmsBody;
  /** A reply to STOP, START or HELP: sent whatever the SMS consent; the STOP reply carries no links. */
  keywordReply?: 'opt_out' | 'opt_in' | 'help';
  campaignId?: string;
}

/** An internal email about a contact to a staff mailbox (new lead, support request). */
export interface StaffEmail {
  audience: 'staff';
  channel: 'email';
  to: string;
  contactId: string;
  dedupeKey: string;
  body: EmailBody;
}

export type GateMessage = ContactEmail | ContactSms | StaffEmail;

/** Another worker holds the claim on this send; the caller retries later. */
export class SendInFlightError extends Error {
  constructor(dedupeKey: string) {
    super(`Send ${dedupeKey} is in flight elsewhere`);
    this.name = 'SendInFlightError';
  }
}

export interface SendGateDeps {
  brand: Brand;
  secrets: SecretsSource;
  directory: RecipientDirectory;
  ledger: SendLedger;
  mailer: Mailer;
  smsSender: SmsSender;
  clock: Clock;
}

/** How long a claim protects a send in progress before a retry may take it over. */
const CLAIM_LEASE_SECONDS = 60;

/** The one gate every message passes: consent, suppression, quiet hours, footer, dedupe, log. */
export interface SendGate {
  send(message: GateMessage): Promise<SendOutcome>;
}

/** Builds the send gate over its ports. */
export function createSendGate(deps: SendGateDeps): SendGate {
  const { brand, clock, ledger } = deps;

  function unsubscribeTopic(category: Category): Topic | 'all' {
    return category === 'transactional' || category === 'service_notice' ? 'all' : category;
  }

  async function links(contactId: string, category: Category, channel: 'email' | 'sms') {
    const { keyring } = await deps.secrets.getSecrets();
    const nowMs = clock.now().getTime();
    const base = brand.publicBaseUrl.replace(/\/$/, '');
    const preferences = issueToken(keyring, contactId, { purpose: 'preferences' }, nowMs);
    const unsubscribe = issueToken(
      keyring,
      contactId,
      { purpose: 'unsubscribe', channel, topic: channel === 'email' ? unsubscribeTopic(category) : 'all' },
      nowMs,
    );
    return {
      preferencesUrl: `${base}/preferences?token=${preferences}`,
      unsubscribeUrl: `${base}/unsubscribe?token=${unsubscribe}`,
      shortPreferencesUrl: `${base}/p/${issueShortPreferencesCode(keyring, contactId, nowMs)}`,
    };
  }

  async function deliver(claim: SendClaim, provider: () => Promise<{ providerMessageId: string }>): Promise<SendOutcome> {
    const claimed = await ledger.claim(claim, CLAIM_LEASE_SECONDS);
    if (claimed === 'already_sent') return 'already_sent';
    if (claimed === 'in_flight') throw new SendInFlightError(claim.dedupeKey);
    let receipt: { providerMessageId: string };
    try {
      receipt = await provider();
    } catch (error) {
      await ledger.markFailed(claim, error instanceof Error ? error.name : 'UnknownError', clock.now().toISOString());
      throw error;
    }
    await ledger.markSent(claim, receipt.providerMessageId, clock.now().toISOString());
    return 'sent';
  }

  async function sendToStaff(message: StaffEmail): Promise<SendOutcome> {
    const claim: SendClaim = {
      dedupeKey: message.dedupeKey,
      contactId: message.contactId,
      channel: 'email',
      category: 'transactional',
      audience: 'staff',
      at: clock.now().toISOString(),
    };
    return deliver(claim, () => deps.mailer.sendEmail({ to: message.to, ...message.body, headers: [] }));
  }

  async function sendToContact(message: ContactEmail | ContactSms): Promise<SendOutcome> {
    const now = clock.now();
    const claim: SendClaim = {
      dedupeKey: message.dedupeKey,
      contactId: message.contactId,
      channel: message.channel,
      category: message.category,
      audience: 'contact',
      at: now.toISOString(),
      ...(message.campaignId ? { campaignId: message.campaignId } : {}),
    };
    const recipient = await deps.directory.getRecipient(message.contactId);
    const address = message.channel === 'email' ? recipient?.email : recipient?.phone;
    if (!recipient || !address) {
      await ledger.markSkipped(claim, 'skipped_no_address', now.toISOString());
      return 'skipped_no_address';
    }
    const decision = decideEligibility({
      channel: message.channel,
      category: message.category,
      recipient,
      suppressed: await deps.directory.isSuppressed(message.channel, address),
      keywordReply: message.channel === 'sms' && message.keywordReply !== undefined,
      at: now,
    });
    if (decision !== 'send') {
      await ledger.markSkipped(claim, decision, now.toISOString());
      return decision;
    }

    const { preferencesUrl, unsubscribeUrl, shortPreferencesUrl } = await links(
      message.contactId,
      message.category,
      message.channel,
    );
    if (message.channel === 'sms') {
      // The opt-out confirmation is the last text: no STOP wording, no link, nothing more to act on.
      const body =
        message.keywordReply === 'opt_out' ? message.body.text : withSmsFooter(message.body, brand, shortPreferencesUrl);
      return deliver(claim, () => deps.smsSender.sendSms({ to: address, body }));
    }
    const rendered = withEmailFooter(message.body, message.category, brand, { preferencesUrl, unsubscribeUrl });
    const headers = message.category === 'transactional' ? [] : listUnsubscribeHeaders(unsubscribeUrl);
    return deliver(claim, () => deps.mailer.sendEmail({ to: address, ...rendered, headers }));
  }

  return {
    send: (message) => (message.audience === 'staff' ? sendToStaff(message) : sendToContact(message)),
  };
}
