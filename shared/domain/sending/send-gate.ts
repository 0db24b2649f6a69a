import type { Clock } from '../../ports/clock.js';
import type { Mailer } from '../../ports/mailer.js';
import type { RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { SendClaim, SendLedger } from '../../ports/send-ledger.js';
import type { SmsSender } from '../../ports/sms-sender.js';
import type { Topic } from '../consent.js';
import type { Brand, Category, EmailBody, SendOutcome, SmsBody } from '../messages.js';
import { issueShortPreferencesCode, issueToken } from '../tokens.js';
import { decideEligibility } from './eligibility.js';
import { renderEmail, renderSms } from './render.js';
import type { RecipientLinks } from './render.js';

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
  /** The double opt-in text that asks the number to reply YES: needs no consent, but respects STOP. */
  optInRequest?: true;
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

/** What happened to one message, and whether this call is the first to record it (for progress counts). */
export interface SendResult {
  outcome: SendOutcome;
  firstTime: boolean;
}

/** The body of a campaign email, the same for every recipient but the links. */
export interface EmailBatch {
  category: Exclude<Category, 'transactional'>;
  campaignId: string;
  body: EmailBody;
  recipients: { contactId: string; dedupeKey: string }[];
}

/** The one gate every message passes: consent, suppression, quiet hours, footer, dedupe, log. */
export interface SendGate {
  send(message: GateMessage): Promise<SendOutcome>;
  /** As `send`, telling also whether the outcome is new. */
  sendTracked(message: ContactEmail | ContactSms): Promise<SendResult>;
  /**
   * Up to 50 campaign emails in one provider call (SES SendBulkEmail), each recipient checked,
   * claimed and given their own links and one-click headers. A recipient whose send failed gets
   * outcome `failed`; the caller retries those.
   */
  sendEmailBatch(batch: EmailBatch): Promise<Map<string, SendResult | { outcome: 'failed'; firstTime: boolean }>>;
}

/** The most recipients one bulk provider call takes (SES SendBulkEmail). */
export const EMAIL_BATCH_LIMIT = 50;

/** Builds the send gate over its ports. */
export function createSendGate(deps: SendGateDeps): SendGate {
  const { brand, clock, ledger } = deps;

  function unsubscribeTopic(category: Category): Topic | 'all' {
    return category === 'transactional' || category === 'service_notice' ? 'all' : category;
  }

  /** The links of one message; each names the message's channel, so it governs only the address the message went to. */
  async function links(contactId: string, category: Category, channel: 'email' | 'sms'): Promise<RecipientLinks> {
    const { keyring } = await deps.secrets.getSecrets();
    const nowMs = clock.now().getTime();
    const base = brand.publicBaseUrl.replace(/\/$/, '');
    const preferences = issueToken(keyring, contactId, { purpose: 'preferences', channel }, nowMs);
    const unsubscribe = issueToken(
      keyring,
      contactId,
      { purpose: 'unsubscribe', channel, topic: channel === 'email' ? unsubscribeTopic(category) : 'all' },
      nowMs,
    );
    return {
      preferencesUrl: `${base}/preferences?token=${preferences}`,
      unsubscribeUrl: `${base}/unsubscribe?token=${unsubscribe}`,
      shortPreferencesUrl: `${base}/p/${issueShortPreferencesCode(keyring, contactId, channel, nowMs)}`,
    };
  }

  async function deliver(claim: SendClaim, provider: () => Promise<{ providerMessageId: string }>): Promise<SendResult> {
    const claimed = await ledger.claim(claim, CLAIM_LEASE_SECONDS);
    if (claimed === 'already_sent') return { outcome: 'already_sent', firstTime: false };
    if (claimed === 'in_flight') throw new SendInFlightError(claim.dedupeKey);
    let receipt: { providerMessageId: string };
    try {
      receipt = await provider();
    } catch (error) {
      await ledger.markFailed(claim, error instanceof Error ? error.name : 'UnknownError', clock.now().toISOString());
      throw error;
    }
    await ledger.markSent(claim, receipt.providerMessageId, clock.now().toISOString());
    return { outcome: 'sent', firstTime: true };
  }

  async function sendToStaff(message: StaffEmail): Promise<SendResult> {
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

  /** The checks every contact message passes before it may be claimed: address, suppression, consent, quiet hours. */
  async function admit(
    message: Pick<ContactEmail | ContactSms, 'contactId' | 'channel' | 'category' | 'dedupeKey' | 'campaignId'> & {
      keywordReply?: unknown;
      optInRequest?: true;
    },
  ): Promise<{ claim: SendClaim; address: string } | SendResult> {
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
      return {
        outcome: 'skipped_no_address',
        firstTime: await ledger.markSkipped(claim, 'skipped_no_address', now.toISOString()),
      };
    }
    const status = await deps.directory.addressStatus(message.channel, address);
    const decision = decideEligibility({
      channel: message.channel,
      category: message.category,
      recipient,
      ...status,
      keywordReply: message.channel === 'sms' && message.keywordReply !== undefined,
      optInRequest: message.channel === 'sms' && message.optInRequest === true,
      at: now,
    });
    if (decision !== 'send')
      return { outcome: decision, firstTime: await ledger.markSkipped(claim, decision, now.toISOString()) };
    return { claim, address };
  }

  async function sendToContact(message: ContactEmail | ContactSms): Promise<SendResult> {
    const admitted = await admit(message);
    if ('outcome' in admitted) return admitted;
    const { claim, address } = admitted;
    const recipientLinks = await links(message.contactId, message.category, message.channel);
    if (message.channel === 'sms') {
      const body = renderSms(brand, message.body, recipientLinks, message.keywordReply);
      return deliver(claim, () => deps.smsSender.sendSms({ to: address, body }));
    }
    const rendered = renderEmail(brand, message.category, message.body, recipientLinks);
    return deliver(claim, () => deps.mailer.sendEmail({ to: address, ...rendered }));
  }

  async function sendEmailBatch(batch: EmailBatch) {
    if (batch.recipients.length > EMAIL_BATCH_LIMIT) throw new Error(`A batch holds at most ${EMAIL_BATCH_LIMIT} recipients`);
    const results = new Map<string, SendResult | { outcome: 'failed'; firstTime: boolean }>();
    const claimed: { claim: SendClaim; address: string; links: RecipientLinks }[] = [];
    await Promise.all(
      batch.recipients.map(async ({ contactId, dedupeKey }) => {
        const admitted = await admit({
          contactId,
          dedupeKey,
          channel: 'email',
          category: batch.category,
          campaignId: batch.campaignId,
        });
        if ('outcome' in admitted) return results.set(contactId, admitted);
        const state = await ledger.claim(admitted.claim, CLAIM_LEASE_SECONDS);
        if (state === 'already_sent') return results.set(contactId, { outcome: 'already_sent', firstTime: false });
        if (state === 'in_flight') return results.set(contactId, { outcome: 'failed', firstTime: false });
        claimed.push({ ...admitted, links: await links(contactId, batch.category, 'email') });
      }),
    );
    if (claimed.length === 0) return results;

    // One template for the batch; each recipient's links and headers replace the placeholders.
    // Triple braces: SES templates are Handlebars, which would HTML-escape the `=` of `?token=`.
    const template = renderEmail(brand, batch.category, batch.body, {
      preferencesUrl: '{{{preferencesUrl}}}',
      unsubscribeUrl: '{{{unsubscribeUrl}}}',
      shortPreferencesUrl: '{{{preferencesUrl}}}',
    });
    const entries = claimed.map(({ address, links: recipientLinks }) => ({
      to: address,
      data: { preferencesUrl: recipientLinks.preferencesUrl, unsubscribeUrl: recipientLinks.unsubscribeUrl },
      headers: renderEmail(brand, batch.category, batch.body, recipientLinks).headers,
    }));
    let receipts: Awaited<ReturnType<Mailer['sendBulk']>>;
    try {
      receipts = await deps.mailer.sendBulk({ subject: template.subject, text: template.text, html: template.html }, entries);
    } catch (error) {
      const at = clock.now().toISOString();
      await Promise.all(
        claimed.map(({ claim }) => ledger.markFailed(claim, error instanceof Error ? error.name : 'UnknownError', at)),
      );
      throw error;
    }
    const at = clock.now().toISOString();
    await Promise.all(
      claimed.map(async ({ claim }, index) => {
        const receipt = receipts[index];
        if (receipt && 'providerMessageId' in receipt) {
          await ledger.markSent(claim, receipt.providerMessageId, at);
          results.set(claim.contactId, { outcome: 'sent', firstTime: true });
        } else {
          await ledger.markFailed(claim, receipt?.error ?? 'MissingResult', at);
          results.set(claim.contactId, { outcome: 'failed', firstTime: false });
        }
      }),
    );
    return results;
  }

  return {
    send: async (message) =>
      (message.audience === 'staff' ? sendToStaff(message) : sendToContact(message)).then((result) => result.outcome),
    sendTracked: sendToContact,
    sendEmailBatch,
  };
}
