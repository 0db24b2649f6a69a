import { beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { listSupportRequests, MAX_SUPPORT_REQUESTS } from '../../shared/domain/admin/list-support-requests.js';
import type { AuditEntry } from '../../shared/domain/audit.js';
import { ServiceUnavailableError, ValidationError } from '../../shared/domain/errors.js';
import { AUTO_REPLIED_HEADER, safeReplyTo } from '../../shared/domain/sending/send-gate.js';
import { looksAutomated } from '../../shared/domain/support/automated-address.js';
import { privacyFlagsOf } from '../../shared/domain/support/privacy-flags.js';
import { sendSupportEffects } from '../../shared/domain/support/send-support-effects.js';
import type { OutboxSupportRequest, SendSupportEffectsDeps } from '../../shared/domain/support/send-support-effects.js';
import { submitSupportRequest } from '../../shared/domain/support/submit-support-request.js';
import type { SubmitSupportRequestDeps } from '../../shared/domain/support/submit-support-request.js';
import {
  headerText,
  supportAcknowledgementEmail,
  supportAcknowledgementSms,
  supportForwardEmail,
} from '../../shared/domain/support/support-messages.js';
import { newTicketId, TICKET_ID_PATTERN } from '../../shared/domain/support/support-request.js';
import type { SupportRequestRecord } from '../../shared/domain/support/support-request.js';
import type { SupportRequestSummary } from '../../shared/ports/support-requests.js';
import {
  FakeClock,
  InMemoryDirectory,
  InMemorySendLimits,
  RecordingMailer,
  RecordingSmsSender,
  TEST_BRAND,
  fixedSecrets,
  inMemoryGate,
} from '../fixtures/in-memory.js';

const NOW = new Date('2026-05-01T16:00:00.000Z');

describe('newTicketId', () => {
  it('is SR- and 24 Crockford base32 characters carrying 120 random bits', () => {
    // Arrange: the lowest and the highest bytes, and a byte pattern whose characters are known
    const zeros = newTicketId((size) => new Uint8Array(size));
    const ones = newTicketId((size) => new Uint8Array(size).fill(255));
    // Act / Assert
    expect(zeros).toBe(`SR-${'0'.repeat(24)}`);
    expect(ones).toBe(`SR-${'Z'.repeat(24)}`);
    // 0x08 0x42 0x10 0x84 0x21 = 00001 00001 00001 00001 00001 00001 00001 00001
    expect(newTicketId(() => Uint8Array.from([8, 66, 16, 132, 33, 8, 66, 16, 132, 33, 8, 66, 16, 132, 33]))).toBe(
      `SR-${'1'.repeat(24)}`,
    );
  });

  it('never repeats over many draws and always matches its pattern', () => {
    const drawn = Array.from({ length: 5000 }, () => newTicketId());
    expect(new Set(drawn).size).toBe(drawn.length);
    expect(drawn.every((id) => TICKET_ID_PATTERN.test(id))).toBe(true);
  });
});

describe('looksAutomated', () => {
  it.each([
    'noreply@example.com',
    'NoReply@Example.com',
    'no-reply@example.com',
    'no_reply@example.com',
    'donotreply@example.com',
    'do-not-reply@example.com',
    'MAILER-DAEMON@mail.example.com',
    'postmaster@example.com',
    'bounce@example.com',
    'bounces+12345@example.com',
    'bounce-abc123@example.com',
    'noreply+tag@example.com',
    'alerts.noreply@example.com',
    'notifications@example.com',
    'autoresponder@example.com',
    'owner-dealers@lists.example.com',
  ])('treats %s as automated', (email) => {
    expect(looksAutomated(email)).toBe(true);
  });

  it.each([
    'jane@example.com',
    'noreen@example.com',
    'reply@example.com',
    'janet.noreplyson@example.com',
    'bouncer.bob@example.com',
    'post.master.chef@example.com',
    'support@example.com',
    'sales+noreply-ish@example.com',
  ])('treats %s as a person', (email) => {
    expect(looksAutomated(email)).toBe(false);
  });
});

describe('privacyFlagsOf', () => {
  it.each([
    ['Please delete my personal data', 'privacy_deletion'],
    ['I want you to erase all my information.', 'privacy_deletion'],
    ['Delete my account please', 'privacy_deletion'],
    ['Remove the data you hold about me', 'privacy_deletion'],
    ['I am exercising my right to be forgotten', 'privacy_deletion'],
    ['What data do you have about me?', 'privacy_access'],
    ['Please send me a copy of my personal information', 'privacy_access'],
    ['I would like to access my data under the CCPA', 'privacy_access'],
    ['This is a data subject access request', 'privacy_access'],
    ['Please correct my email address', 'privacy_correction'],
    ['My phone number is wrong in your records', 'privacy_correction'],
    ['Update my contact details: new address below', 'privacy_correction'],
    ['Stop emailing me', 'opt_out'],
    ['Please unsubscribe me', 'opt_out'],
    ['Do not contact me again', 'opt_out'],
    ['No more texts please', 'opt_out'],
    ['Remove me from your mailing list', 'opt_out'],
    ['Do not sell or share my personal information', 'opt_out'],
  ])('flags %j as %s', (message, flag) => {
    expect(privacyFlagsOf('Question', message)).toContain(flag);
  });

  it.each([
    'How do I delete a vehicle from my inventory?',
    'I cannot access my account',
    'Please update the pricing on my listing',
    'Can you send me the information about pricing?',
    'Our feed stopped syncing at 9am',
    'Can I stop by on Tuesday?',
    'The export to CSV is broken',
    'I changed my password and now the dashboard is blank',
  ])('does not flag %j', (message) => {
    expect(privacyFlagsOf('Help', message)).toEqual([]);
  });

  it('reads the subject too, and lists several flags in a fixed order', () => {
    expect(privacyFlagsOf('Unsubscribe and delete my data', 'Also please tell me what information you have about me')).toEqual([
      'privacy_access',
      'privacy_deletion',
      'opt_out',
    ]);
  });
});

describe('support messages', () => {
  it('the acknowledgement names the ticket and the first name, and carries no web address', () => {
    // Act
    const email = supportAcknowledgementEmail(TEST_BRAND, 'Jane Q. Public', 'SR-ABC');
    const text = supportAcknowledgementSms(TEST_BRAND, 'SR-ABC').text;
    // Assert
    expect(email.subject).toContain('SR-ABC');
    expect(email.text).toContain('Hi Jane,');
    expect(email.text).not.toContain('Public');
    expect(text).toContain('SR-ABC');
    for (const part of [email.subject, email.text, email.html, text]) expect(part).not.toMatch(/:\/\/|www\./i);
  });

  it('the forward escapes what was written in HTML and keeps the subject line one line', () => {
    // Act
    const email = supportForwardEmail({
      ticketId: 'SR-1',
      name: 'Jo <script>',
      email: 'jo@example.com',
      subject: 'Hi\r\nBcc: all@example.com\u202E',
      message: '<img src=x onerror=alert(1)>',
      receivedAt: NOW.toISOString(),
      flags: ['opt_out'],
    });
    // Assert
    expect(email.subject).toBe('[OPT-OUT] [SR-1] Hi Bcc: all@example.com');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('Jo &lt;script&gt;');
    expect(email.html).not.toContain('<img');
    expect(email.text).toContain(`Received: ${NOW.toISOString()}`);
  });

  it('headerText removes every control, format and separator character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        expect(headerText(value)).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u);
      }),
    );
  });
});

describe('safeReplyTo', () => {
  it('keeps one plain address', () => {
    expect(safeReplyTo('jane.doe+tag@mail.example.com')).toBe('jane.doe+tag@mail.example.com');
  });

  it.each([
    'jane@example.com\r\nBcc: all@example.com',
    'jane@example.com\nX: y',
    'Jane <jane@example.com>',
    'jane@example.com, boss@example.com',
    'jane@example.com;boss@example.com',
    '"jane"@example.com',
    'jane@',
    'jane@localhost',
    `${'a'.repeat(250)}@example.com`,
  ])('refuses %j', (value) => {
    expect(safeReplyTo(value)).toBeUndefined();
  });
});

/** The support request store in memory. */
class InMemorySupportRequests {
  readonly saved: SupportRequestRecord[] = [];
  async saveSupportRequest(record: SupportRequestRecord) {
    this.saved.push(record);
  }
}

describe('submitSupportRequest', () => {
  let store: InMemorySupportRequests;
  let addresses: InMemoryDirectory;
  let deps: SubmitSupportRequestDeps;
  let ids: number;

  beforeEach(() => {
    store = new InMemorySupportRequests();
    addresses = new InMemoryDirectory();
    ids = 0;
    deps = {
      store,
      addresses,
      secrets: fixedSecrets(),
      clock: new FakeClock(NOW),
      newContactId: () => `c-${++ids}`,
      newTicketId: () => `SR-${++ids}`,
    };
  });

  it('files a request from new addresses under a new contact, with its normalised email, flags and a hashed client key', async () => {
    // Act
    const receipt = await submitSupportRequest(
      deps,
      { name: 'Jane Doe', email: ' Jane@Example.com ', phone: '+12025550143', subject: 'Data', message: 'Delete my data' },
      { ip: '203.0.113.9' },
    );
    // Assert
    const [record] = store.saved;
    expect(receipt).toEqual({ ticketId: record?.ticketId });
    expect(record).toMatchObject({
      contactId: 'c-1',
      newContactId: 'c-1',
      holders: { email: 'c-1', sms: 'c-1' },
      submitted: { name: 'Jane Doe', email: 'jane@example.com', phone: '+12025550143' },
      receivedAt: NOW.toISOString(),
      status: 'open',
      flags: ['privacy_deletion'],
    });
    expect(record?.clientKey).toMatch(/^[\w-]{22}$/);
    expect(JSON.stringify(record)).not.toContain('203.0.113.9');
  });

  it('files a request under the holder of its email, else of its phone, and makes no new contact for held addresses', async () => {
    // Arrange
    addresses.holdAddress('email', 'jane@example.com', 'jane');
    addresses.holdAddress('sms', '+12025550143', 'bob');
    // Act
    await submitSupportRequest(
      deps,
      { name: 'X', email: 'jane@example.com', phone: '+12025550143', subject: 's', message: 'm' },
      {},
    );
    await submitSupportRequest(deps, { name: 'Y', phone: '+12025550143', subject: 's', message: 'm' }, {});
    // Assert
    expect(store.saved.map((record) => [record.contactId, record.holders, record.newContactId])).toEqual([
      ['jane', { email: 'jane', sms: 'bob' }, undefined],
      ['bob', { sms: 'bob' }, undefined],
    ]);
  });
});

const REQUEST: OutboxSupportRequest = {
  ticketId: 'SR-TEST',
  contactId: 'c1',
  holders: { email: 'c1', sms: 'c1' },
  subject: 'Reset password <now>',
  message: 'Visit https://evil.example to win. Secret words.',
  submitted: { name: 'Jane Doe', email: 'jane@example.com', phone: '+12025550143' },
  receivedAt: '2026-05-01T15:59:00.000Z',
  flags: [],
  clientKey: 'client-1',
};

describe('sendSupportEffects', () => {
  let directory: InMemoryDirectory;
  let mailer: RecordingMailer;
  let smsSender: RecordingSmsSender;
  let deps: SendSupportEffectsDeps;

  beforeEach(() => {
    const built = inMemoryGate({ now: NOW });
    ({ directory, mailer, smsSender } = built);
    directory.recipients.set('c1', {
      contactId: 'c1',
      name: 'Jane',
      email: 'jane@example.com',
      phone: '+12025550143',
      preferences: {},
    });
    deps = {
      channels: ['email', 'sms'],
      gate: built.gate,
      limits: new InMemorySendLimits(),
      clock: new FakeClock(NOW),
      secrets: built.secrets,
      brand: TEST_BRAND,
      supportAddress: 'desk@acme.test',
    };
  });

  it('acknowledges by email as an automatic reply with nothing the person wrote, and forwards with Reply-To', async () => {
    // Act
    const outcomes = await sendSupportEffects(deps, REQUEST);
    // Assert
    expect(outcomes).toEqual({ acknowledgement: 'sent', forward: 'sent' });
    const ack = mailer.sent.find((email) => email.to === 'jane@example.com');
    expect(ack?.headers).toContainEqual(AUTO_REPLIED_HEADER);
    const ackText = `${ack?.subject}${ack?.text}${ack?.html}`;
    expect(ackText).toContain('SR-TEST');
    for (const written of ['Reset password', 'evil.example', 'Secret words', 'Doe']) expect(ackText).not.toContain(written);
    const forward = mailer.sent.find((email) => email.to === 'desk@acme.test');
    expect(forward).toMatchObject({ replyTo: 'jane@example.com', headers: [] });
    expect(forward?.text).toContain('Secret words');
    expect(smsSender.sent).toEqual([]);
  });

  it('sends nothing twice when the stream delivers the request again', async () => {
    await sendSupportEffects(deps, REQUEST);
    const again = await sendSupportEffects(deps, REQUEST);
    expect(again).toEqual({ acknowledgement: 'already_sent', forward: 'already_sent' });
    expect(mailer.sent).toHaveLength(2);
  });

  it('sends no acknowledgement to an automated address, and still forwards', async () => {
    const outcomes = await sendSupportEffects(deps, {
      ...REQUEST,
      submitted: { ...REQUEST.submitted, email: 'no-reply@example.com' },
    });
    expect(outcomes).toEqual({ acknowledgement: 'skipped_automated_address', forward: 'sent' });
    expect(mailer.sent.map((email) => email.to)).toEqual(['desk@acme.test']);
  });

  it('acknowledges one mailbox at most once per hour, whatever the alias, and forwards every request', async () => {
    // Act
    await sendSupportEffects(deps, REQUEST);
    const second = await sendSupportEffects(deps, {
      ...REQUEST,
      ticketId: 'SR-TWO',
      submitted: { ...REQUEST.submitted, email: 'Jane+x@example.com' },
    });
    // Assert
    expect(second).toEqual({ acknowledgement: 'skipped_rate_limited', forward: 'sent' });
    expect(mailer.sent.filter((email) => email.to === 'desk@acme.test')).toHaveLength(2);
  });

  it('caps acknowledgements per client key', async () => {
    const outcomes = [];
    for (let index = 0; index < 22; index += 1) {
      directory.recipients.set(`c${index}x`, { contactId: `c${index}x`, email: `p${index}@example.com`, preferences: {} });
      outcomes.push(
        await sendSupportEffects(deps, {
          ...REQUEST,
          ticketId: `SR-${index}`,
          contactId: `c${index}x`,
          holders: { email: `c${index}x` },
          submitted: { name: 'P', email: `p${index}@example.com` },
        }),
      );
    }
    expect(outcomes.filter((outcome) => outcome.acknowledgement === 'sent')).toHaveLength(20);
    expect(outcomes.every((outcome) => outcome.forward === 'sent')).toBe(true);
  });

  it('acknowledges a phone-only request by text only where the number has SMS consent, never with the form text', async () => {
    // Arrange: one number without SMS consent, another with it
    const phoneOnly = { ...REQUEST, holders: { sms: 'c1' }, submitted: { name: 'Jane', phone: '+12025550143' } };
    directory.recipients.set('c2', { contactId: 'c2', phone: '+12025550188', preferences: { 'sms:newsletter': true } });
    // Act
    const refused = await sendSupportEffects(deps, phoneOnly);
    const sent = await sendSupportEffects(deps, {
      ...phoneOnly,
      ticketId: 'SR-SMS2',
      contactId: 'c2',
      holders: { sms: 'c2' },
      submitted: { name: 'Cy', phone: '+12025550188' },
    });
    // Assert
    expect(refused).toEqual({ acknowledgement: 'skipped_opted_out', forward: 'sent' });
    expect(sent.acknowledgement).toBe('sent');
    expect(smsSender.sent).toHaveLength(1);
    expect(smsSender.sent[0]).toMatchObject({ to: '+12025550188', body: expect.stringContaining('SR-SMS2') });
    expect(smsSender.sent[0]?.body).not.toMatch(/Reset password|Secret words|evil/);
    const forward = mailer.sent.find((email) => email.text.includes('SR-SMS2'));
    expect(forward?.replyTo).toBeUndefined();
  });

  it('leaves each channel to its own consumer', async () => {
    const emailOnly = await sendSupportEffects(
      { ...deps, channels: ['email'] },
      { ...REQUEST, submitted: { name: 'J', phone: '+12025550143' }, holders: { sms: 'c1' } },
    );
    const smsOnly = await sendSupportEffects({ ...deps, channels: ['sms'] }, REQUEST);
    expect(emailOnly).toEqual({ forward: 'sent' });
    expect(smsOnly).toEqual({});
  });

  it('never sets a Reply-To that is not one plain address, and still forwards', async () => {
    await sendSupportEffects(
      { ...deps, channels: ['email'] },
      {
        ...REQUEST,
        submitted: { ...REQUEST.submitted, email: 'jane@example.com\r\nBcc: all@example.com' },
        holders: {},
      },
    );
    const forward = mailer.sent.find((email) => email.to === 'desk@acme.test');
    expect(forward).toBeDefined();
    expect(forward?.replyTo).toBeUndefined();
  });
});

const summary = (ticketId: string, contactId: string): SupportRequestSummary => ({
  ticketId,
  contactId,
  subject: 's',
  message: 'm',
  submitted: { name: 'N', email: `${contactId}@example.com` },
  receivedAt: NOW.toISOString(),
  status: 'open',
  flags: [],
});

describe('listSupportRequests', () => {
  const staff = { sub: 'agent-1', roles: ['support' as const] };
  let events: string[];
  let audited: AuditEntry[];
  let found: SupportRequestSummary[];
  let failAudit: boolean;
  const deps = () => ({
    reads: {
      supportRequestsByStatus: async (status: string, limit: number) => {
        events.push(`read:${status}:${limit}`);
        return found;
      },
    },
    audit: {
      record: async (entries: readonly AuditEntry[]) => {
        if (failAudit) throw new Error('audit table down');
        events.push('audit');
        audited.push(...entries);
      },
    },
    clock: new FakeClock(NOW),
  });

  beforeEach(() => {
    events = [];
    audited = [];
    failAudit = false;
    found = [summary('SR-2', 'c1'), summary('SR-1', 'c1'), summary('SR-0', 'c2')];
  });

  it('lists open requests by default and audits each contact shown once, before answering', async () => {
    const listing = await listSupportRequests(deps(), staff, {}, { requestId: 'r1', reason: 'tickets' });
    expect(events).toEqual([`read:open:${MAX_SUPPORT_REQUESTS + 1}`, 'audit']);
    expect(listing).toMatchObject({ status: 'open', truncated: false });
    expect(listing.supportRequests.map((request) => request.ticketId)).toEqual(['SR-2', 'SR-1', 'SR-0']);
    expect(audited).toEqual([
      {
        contactId: 'c1',
        actor: 'agent-1',
        roles: ['support'],
        action: 'read',
        fields: ['name', 'email'],
        requestId: 'r1',
        at: NOW.toISOString(),
        reason: 'tickets',
      },
      {
        contactId: 'c2',
        actor: 'agent-1',
        roles: ['support'],
        action: 'read',
        fields: ['name', 'email'],
        requestId: 'r1',
        at: NOW.toISOString(),
        reason: 'tickets',
      },
    ]);
  });

  it('bounds the listing and says when it was cut', async () => {
    found = Array.from({ length: MAX_SUPPORT_REQUESTS + 1 }, (_, index) => summary(`SR-${index}`, `c${index}`));
    const listing = await listSupportRequests(deps(), staff, { status: 'closed' }, { requestId: 'r1' });
    expect(listing.supportRequests).toHaveLength(MAX_SUPPORT_REQUESTS);
    expect(listing.truncated).toBe(true);
    expect(audited).toHaveLength(MAX_SUPPORT_REQUESTS);
  });

  it('refuses an unknown status before reading or auditing anything', async () => {
    await expect(listSupportRequests(deps(), staff, { status: 'pending' }, { requestId: 'r1' })).rejects.toThrow(ValidationError);
    expect(events).toEqual([]);
  });

  it('returns no data when the audit cannot be written', async () => {
    failAudit = true;
    await expect(listSupportRequests(deps(), staff, {}, { requestId: 'r1' })).rejects.toThrow(ServiceUnavailableError);
  });
});
