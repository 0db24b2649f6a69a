import type { Clock } from '../../ports/clock.js';
import type { Mailer } from '../../ports/mailer.js';
import type { AddressStatus, Recipient, RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import type { ClaimResult, SendClaim, SendLedger } from '../../ports/send-ledger.js';
import type { SmsSender } from '../../ports/sms-sender.js';
import type { Channel, Topic } from '../consent.js';
import { addressTag } from '../address-key.js';
import type { Brand, Category, EmailBody, SendOutcome, SmsBody } from '../messages.js';
import { issueShortPreferencesCode, issueToken } from '../tokens.js';
import { registeredRecipient } from '../../recipients.js';
import type { MailboxRecipientId } from '../../recipients.js';
import { assertMayDisclose } from '../disclosures/advance-notice.js';
import { decideEligibility } from './eligibility.js';
import { renderEmail, renderSms } from './render.js';
import type { RecipientLinks } from './render.js';
import { sendTag } from './send-tag.js';

/** An email to a contact. */
export interface ContactEmail {
  audience: 'contact';
  channel: 'email';
  contactId: string;
  category: Category;
  dedupeKey: string;
  /**
   * The message; or, for one that carries a link of its own bound to the address it goes to (a
   * subscription confirmation), made for the address the gate sends to.
   */
  body: EmailBody | ((address: string) => Promise<EmailBody>);
  campaignId?: string;
  /**
   * An automatic reply to something the person sent (an acknowledgement): it carries
   * `Auto-Submitted: auto-replied` (RFC 3834), so that their autoresponder does not answer it.
   */
  autoReply?: true;
  /**
   * The address the sender expects the contact to hold (the one the form gave): lets the gate
   * read the address's suppression with the recipient, in one round trip. Only a hint: the gate
   * sends to, and checks, the address the contact holds.
   */
  expectedAddress?: string;
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
  /** As `ContactEmail.expectedAddress`: the number the sender expects the contact to hold. */
  expectedAddress?: string;
}

/** An internal email about a contact to a staff mailbox (new lead, support request). */
export interface StaffEmail {
  audience: 'staff';
  channel: 'email';
  /** The registered mailbox it goes to (`shared/recipients.ts`); the gate refuses one the registry does not name. */
  recipientId: MailboxRecipientId;
  to: string;
  contactId: string;
  dedupeKey: string;
  body: EmailBody;
  /**
   * The address a reply from staff goes to (the person who wrote in). Only a plain address passes
   * (`safeReplyTo`); anything else is left out, so a header can never be injected through it.
   */
  replyTo?: string;
}

export type GateMessage = ContactEmail | ContactSms | StaffEmail;

/** The header every automatic reply carries (RFC 3834 §5). */
export const AUTO_REPLIED_HEADER = { name: 'Auto-Submitted', value: 'auto-replied' } as const;

// One mailbox, nothing else: no display name, no list, no comment, no whitespace or control character.
const PLAIN_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The address as a Reply-To, when it is one plain mailbox of at most 254 characters; otherwise undefined. */
export function safeReplyTo(address: string | undefined): string | undefined {
  if (address === undefined || address.length > 254) return undefined;
  return PLAIN_ADDRESS.test(address) ? address : undefined;
}

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
  /**
   * How long a send waits for another worker's unexpired claim (it ends sent, or its lease runs
   * out) before it gives up with `SendInFlightError`; keep it well inside the function's timeout.
   */
  claimWaitMs?: number;
  /** The advance-notice period before a third party may receive data (config; default 30 days). */
  noticeDays?: number;
  /** Waits; tests pass one that moves their clock. */
  sleep?: (ms: number) => Promise<void>;
}

/** How long a claim protects a send in progress before a retry may take it over. */
export const CLAIM_LEASE_SECONDS = 60;

/** The outbox consumers run for 10 s: a wait of 5 s leaves the rest of the batch its time. */
const DEFAULT_CLAIM_WAIT_MS = 5_000;
/** How often a waiting send looks at the claim it waits for. */
const CLAIM_POLL_MS = 1_000;
/** Attempts at the "sent" write after the provider accepted: every failed one widens the window for a duplicate. */
const MARK_SENT_ATTEMPTS = 4;

/**
 * Errors after which the provider certainly did not accept the message (it answered with a
 * client fault: throttled, rejected, not verified). Anything else (a timeout, a reset connection,
 * a server fault) may have followed an acceptance, so the claim is kept until its lease ends and
 * the provider's own record can settle it.
 */
const REJECTION_NAMES =
  /Throttl|TooManyRequests|Rejected|LimitExceeded|NotVerified|BadRequest|Validation|Suspended|Paused|OptedOut|InvalidParameter/;

function definitelyNotSent(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const fault = (error as { $fault?: unknown }).$fault;
  if (fault === 'client') return true;
  if (fault === 'server') return false;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && REJECTION_NAMES.test(name);
}

/** What happened to one message, and whether this call is the first to record it (for progress counts). */
export interface SendResult {
  outcome: SendOutcome;
  firstTime: boolean;
}

/**
 * One recipient of a bulk send: as `SendResult`, or `failed` (the provider refused it; retry), or
 * `in_flight` (another worker holds its unexpired claim; try again once the lease has run out).
 */
export type BatchResult = SendResult | { outcome: 'failed' | 'in_flight'; firstTime: boolean };

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
  sendEmailBatch(batch: EmailBatch): Promise<Map<string, BatchResult>>;
}

/**
 * True when an address suppressed only by an erasure's tombstone is held by a contact created after
 * the erasure: the address itself asked again, so the tombstone no longer speaks for it.
 */
export function askedAgainSinceErasure(status: AddressStatus, recipient: Recipient): boolean {
  return status.erasedAt !== undefined && recipient.createdAt !== undefined && recipient.createdAt > status.erasedAt;
}

/** The most recipients one bulk provider call takes (SES SendBulkEmail). */
export const EMAIL_BATCH_LIMIT = 50;

/** Builds the send gate over its ports. */
export function createSendGate(deps: SendGateDeps): SendGate {
  const { brand, clock, ledger } = deps;

  function unsubscribeTopic(category: Category): Topic | 'all' {
    return category === 'transactional' || category === 'service_notice' || category === 'legal_notice' ? 'all' : category;
  }

  /**
   * The links of one message; each names the message's channel and carries the tag of the address
   * it goes to, so it governs only that address, even after staff correct it (SPEC §2).
   */
  async function links(contactId: string, category: Category, channel: Channel, address: string): Promise<RecipientLinks> {
    const { keyring, addressSalt } = await deps.secrets.getSecrets();
    const nowMs = clock.now().getTime();
    const base = brand.publicBaseUrl.replace(/\/$/, '');
    const tag = addressTag(addressSalt, channel, address);
    const preferences = issueToken(keyring, contactId, { purpose: 'preferences', channel, tag }, nowMs);
    const unsubscribe = issueToken(
      keyring,
      contactId,
      { purpose: 'unsubscribe', channel, topic: channel === 'email' ? unsubscribeTopic(category) : 'all', tag },
      nowMs,
    );
    return {
      preferencesUrl: `${base}/preferences?token=${preferences}`,
      unsubscribeUrl: `${base}/unsubscribe?token=${unsubscribe}`,
      shortPreferencesUrl: `${base}/p/${issueShortPreferencesCode(keyring, contactId, channel, tag, nowMs)}`,
    };
  }

  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /**
   * Claims a send; a claim another worker holds is waited for (polled) until it ends sent, its
   * lease runs out, or the wait budget is spent. An expired claim of a sender that died is taken
   * over only if the send record is still not sent: the provider's own record of an accepted
   * message (SES `Send` event) marks it sent meanwhile.
   */
  async function claimOrWait(claim: SendClaim): Promise<ClaimResult> {
    const waitMs = deps.claimWaitMs ?? DEFAULT_CLAIM_WAIT_MS;
    const giveUpAt = clock.now().getTime() + waitMs;
    // Bounded by polls as well as by time, so that a clock that stands still cannot spin forever.
    for (let polls = Math.ceil(waitMs / CLAIM_POLL_MS) + 2; ; polls -= 1) {
      const result = await ledger.claim({ ...claim, at: clock.now().toISOString() }, CLAIM_LEASE_SECONDS);
      if (result.state !== 'in_flight') return result;
      const now = clock.now().getTime();
      if (now >= giveUpAt || polls <= 0) return result;
      const leaseEndsIn = result.leaseUntil * 1000 + 1000 - now;
      await sleep(Math.max(1, Math.min(CLAIM_POLL_MS, leaseEndsIn, giveUpAt - now)));
    }
  }

  /** Marks a send sent, retrying: the window between the provider's acceptance and this write is where a crash duplicates. */
  async function recordSent(claim: SendClaim, providerMessageId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await ledger.markSent(claim, providerMessageId, clock.now().toISOString());
      } catch (error) {
        if (attempt >= MARK_SENT_ATTEMPTS) throw error;
        await sleep(50 * 2 ** attempt);
      }
    }
  }

  /**
   * A send found sent. When only the provider's record said so (its sender died before counting
   * it), this call counts it: the message did go out, once.
   */
  async function alreadySent(claim: SendClaim, counted: boolean): Promise<SendResult> {
    if (!counted && (await ledger.markSent(claim, undefined, clock.now().toISOString())))
      return { outcome: 'sent', firstTime: true };
    return { outcome: 'already_sent', firstTime: false };
  }

  /** After a provider error: frees the claim only when the provider certainly did not accept the message. */
  async function release(claim: SendClaim, error: unknown): Promise<void> {
    if (!definitelyNotSent(error)) return;
    await ledger.markFailed(claim, error instanceof Error ? error.name : 'UnknownError', clock.now().toISOString());
  }

  async function deliver(claim: SendClaim, provider: () => Promise<{ providerMessageId: string }>): Promise<SendResult> {
    const claimed = await claimOrWait(claim);
    if (claimed.state === 'already_sent') return alreadySent(claim, claimed.counted);
    if (claimed.state === 'in_flight') throw new SendInFlightError(claim.dedupeKey);
    let receipt: { providerMessageId: string };
    try {
      receipt = await provider();
    } catch (error) {
      await release(claim, error);
      throw error;
    }
    return { outcome: 'sent', firstTime: await recordSent(claim, receipt.providerMessageId) };
  }

  /** The tag an email carries so that the provider's `Send` event names its send record. */
  function tagOf(claim: SendClaim): { sendTag?: string } {
    const tag = sendTag({ contactId: claim.contactId, dedupeKey: claim.dedupeKey });
    return tag ? { sendTag: tag } : {};
  }

  async function sendToStaff(message: StaffEmail): Promise<SendResult> {
    assertMayDisclose(registeredRecipient(message.recipientId), clock.now(), deps.noticeDays);
    const claim: SendClaim = {
      recipientId: message.recipientId,
      dedupeKey: message.dedupeKey,
      contactId: message.contactId,
      channel: 'email',
      category: 'transactional',
      audience: 'staff',
      at: clock.now().toISOString(),
    };
    const replyTo = safeReplyTo(message.replyTo);
    return deliver(claim, () =>
      deps.mailer.sendEmail({ to: message.to, ...message.body, headers: [], ...(replyTo ? { replyTo } : {}) }, tagOf(claim)),
    );
  }

  /** The checks every contact message passes before it may be claimed: address, suppression, consent, quiet hours. */
  async function admit(
    message: Pick<
      ContactEmail | ContactSms,
      'contactId' | 'channel' | 'category' | 'dedupeKey' | 'campaignId' | 'expectedAddress'
    > & {
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
    const read = await deps.directory.recipientForSend(message.contactId, message.channel, message.expectedAddress);
    const { recipient } = read;
    const address = message.channel === 'email' ? recipient?.email : recipient?.phone;
    if (!recipient || !address) {
      return {
        outcome: 'skipped_no_address',
        firstTime: await ledger.markSkipped(claim, 'skipped_no_address', now.toISOString()),
      };
    }
    // Read with the recipient when the expected address is theirs; otherwise the address they hold.
    const status = read.status ?? (await deps.directory.addressStatus(message.channel, address));
    const decision = decideEligibility({
      channel: message.channel,
      category: message.category,
      recipient,
      ...status,
      suppressed: status.suppressed && !askedAgainSinceErasure(status, recipient),
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
    const recipientLinks = await links(message.contactId, message.category, message.channel, address);
    if (message.channel === 'sms') {
      const body = renderSms(brand, message.body, recipientLinks, message.keywordReply);
      return deliver(claim, () => deps.smsSender.sendSms({ to: address, body }));
    }
    const body = typeof message.body === 'function' ? await message.body(address) : message.body;
    const rendered = renderEmail(brand, message.category, body, recipientLinks);
    const headers = message.autoReply ? [...rendered.headers, AUTO_REPLIED_HEADER] : rendered.headers;
    return deliver(claim, () => deps.mailer.sendEmail({ to: address, ...rendered, headers }, tagOf(claim)));
  }

  async function sendEmailBatch(batch: EmailBatch): Promise<Map<string, BatchResult>> {
    if (batch.recipients.length > EMAIL_BATCH_LIMIT) throw new Error(`A batch holds at most ${EMAIL_BATCH_LIMIT} recipients`);
    const results = new Map<string, BatchResult>();
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
        // No waiting inside a bulk call: a recipient claimed elsewhere comes back to the caller.
        const state = await ledger.claim(admitted.claim, CLAIM_LEASE_SECONDS);
        if (state.state === 'already_sent') return results.set(contactId, await alreadySent(admitted.claim, state.counted));
        if (state.state === 'in_flight') return results.set(contactId, { outcome: 'in_flight', firstTime: false });
        claimed.push({ ...admitted, links: await links(contactId, batch.category, 'email', admitted.address) });
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
    const entries = claimed.map(({ claim, address, links: recipientLinks }) => ({
      to: address,
      data: { preferencesUrl: recipientLinks.preferencesUrl, unsubscribeUrl: recipientLinks.unsubscribeUrl },
      headers: renderEmail(brand, batch.category, batch.body, recipientLinks).headers,
      ...tagOf(claim),
    }));
    let receipts: Awaited<ReturnType<Mailer['sendBulk']>>;
    try {
      receipts = await deps.mailer.sendBulk({ subject: template.subject, text: template.text, html: template.html }, entries);
    } catch (error) {
      await Promise.all(claimed.map(({ claim }) => release(claim, error)));
      throw error;
    }
    // Every accepted recipient is recorded before any refusal: the accepted ones are the window.
    await Promise.all(
      claimed.map(async ({ claim }, index) => {
        const receipt = receipts[index];
        if (receipt && 'providerMessageId' in receipt)
          results.set(claim.contactId, { outcome: 'sent', firstTime: await recordSent(claim, receipt.providerMessageId) });
      }),
    );
    await Promise.all(
      claimed.map(async ({ claim }, index) => {
        const receipt = receipts[index];
        if (receipt && 'providerMessageId' in receipt) return;
        await ledger.markFailed(claim, receipt?.error ?? 'MissingResult', clock.now().toISOString());
        results.set(claim.contactId, { outcome: 'failed', firstTime: false });
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
