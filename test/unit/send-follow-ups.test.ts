import { beforeEach, describe, expect, it } from '@jest/globals';
import { addressKey } from '../../shared/domain/address-key.js';
import { sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import type { OutboxInquiry, SendFollowUpsDeps } from '../../shared/domain/inquiries/send-follow-ups.js';
import {
  FakeClock,
  InMemoryDirectory,
  InMemorySendLimits,
  InMemorySubscriptions,
  RecordingMailer,
  RecordingSmsSender,
  TEST_BRAND,
  fixedSecrets,
  inMemoryGate,
} from '../fixtures/in-memory.js';

const NOW = new Date('2026-05-01T16:00:00.000Z');
const DOUBLE = { mode: 'double' as const, policyVersion: 'v1', wordingHash: 'h' };

const INQUIRY: OutboxInquiry = {
  inquiryId: 'i1',
  contactId: 'c1',
  holders: { email: 'c1', sms: 'c1' },
  consentRequests: { email: DOUBLE, sms: DOUBLE },
  followUps: ['acknowledgement', 'sms_opt_in_confirmation', 'sales_notification'],
  name: 'Jane <b>Doe</b> Verify now at evil',
  email: 'jane@example.com',
  phone: '+12025550143',
  topic: 'pricing',
  message: 'What does it cost? <script>x</script>',
  companyName: 'Main Street Motors',
  receivedAt: '2026-05-01T12:00:00.000Z',
  ip: '203.0.113.7',
};

/** The same inquiry again, as another form post would store it. */
const another = (index: number, changes: Partial<OutboxInquiry> = {}): OutboxInquiry => ({
  ...INQUIRY,
  inquiryId: `i${index}`,
  ...changes,
});

describe('sendInquiryFollowUps', () => {
  let directory: InMemoryDirectory;
  let mailer: RecordingMailer;
  let smsSender: RecordingSmsSender;
  let subscriptions: InMemorySubscriptions;
  let clock: FakeClock;
  let deps: SendFollowUpsDeps;

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
    subscriptions = new InMemorySubscriptions();
    subscriptions.request('c1', 'email', ['newsletter', 'product_updates', 'marketing']);
    clock = new FakeClock(NOW);
    deps = {
      channels: ['email', 'sms'],
      gate: built.gate,
      limits: new InMemorySendLimits(),
      subscriptions,
      secrets: fixedSecrets(),
      clock,
      brand: TEST_BRAND,
      salesAddress: 'sales@acme.test',
      smsMessagesPerMonth: 4,
      smsCaps: { perIpPerHour: 3, dailyBudget: 5 },
    };
  });

  it('sends the acknowledgement with its confirm link, the text that asks for YES, and the new-lead email', async () => {
    // Act
    const outcomes = await sendInquiryFollowUps(deps, INQUIRY);
    // Assert
    expect(outcomes).toEqual({ acknowledgement: 'sent', sms_opt_in_confirmation: 'sent', sales_notification: 'sent' });
    expect(mailer.sent.map((email) => email.to).sort()).toEqual(['jane@example.com', 'sales@acme.test']);
    const acknowledgement = mailer.sent.find((email) => email.to === 'jane@example.com');
    expect(acknowledgement?.text).toContain('/subscriptions/confirm?token=');
    // An automatic reply (RFC 3834); the new-lead email to staff is not one
    expect(acknowledgement?.headers).toContainEqual({ name: 'Auto-Submitted', value: 'auto-replied' });
    expect(mailer.sent.find((email) => email.to === 'sales@acme.test')?.headers).toEqual([]);
    const sms = smsSender.sent[0]?.body ?? '';
    for (const wording of [
      TEST_BRAND.brandName,
      'Reply YES',
      'Up to 4 msgs/mo',
      'Msg & data rates may apply',
      'Reply HELP for help, STOP to opt out',
    ]) {
      expect(sms).toContain(wording);
    }
  });

  it('greets by the first name only and escapes what the visitor typed in every HTML part', async () => {
    await sendInquiryFollowUps(deps, INQUIRY);
    const acknowledgement = mailer.sent.find((email) => email.to === 'jane@example.com');
    expect(acknowledgement?.text.startsWith('Hi Jane,')).toBe(true);
    expect(acknowledgement?.text).not.toContain('Verify now');
    for (const email of mailer.sent) {
      expect(email.html).not.toContain('<script>');
      expect(email.html).not.toContain('<b>Doe</b>');
    }
    const sales = mailer.sent.find((email) => email.to === 'sales@acme.test');
    expect(sales?.text).toContain('Main Street Motors');
    expect(sales?.text).toContain('Jane <b>Doe</b> Verify now at evil');
  });

  it('acknowledges one email address at most once an hour, and still tells sales every time', async () => {
    // Act: ten inquiries naming the same address within the hour
    for (let index = 1; index <= 10; index += 1)
      await sendInquiryFollowUps(deps, another(index, { followUps: ['acknowledgement', 'sales_notification'] }));
    clock.set(new Date(NOW.getTime() + 3600_000 + 1000));
    await sendInquiryFollowUps(deps, another(11, { followUps: ['acknowledgement', 'sales_notification'] }));
    // Assert
    expect(mailer.sent.filter((email) => email.to === 'jane@example.com')).toHaveLength(2);
    expect(mailer.sent.filter((email) => email.to === 'sales@acme.test')).toHaveLength(11);
  });

  it('counts the aliases that reach one mailbox as one address', async () => {
    // Act: plus-tags and Gmail's dots and domain alias, from different client IPs
    const aliases = ['bob+a@gmail.com', 'B.o.b@gmail.com', 'bob+z@googlemail.com', 'bob@gmail.com'];
    for (const [index, email] of aliases.entries())
      await sendInquiryFollowUps(deps, another(index + 1, { email, ip: `198.51.100.${index}`, followUps: ['acknowledgement'] }));
    // Assert
    expect(mailer.sent).toHaveLength(1);
  });

  it('caps the acknowledgements one client IP can cause in an hour, to any addresses', async () => {
    // Act: 25 inquiries from one IP, each naming another address
    const outcomes = [];
    for (let index = 0; index < 25; index += 1) {
      directory.recipients.set(`e${index}`, { contactId: `e${index}`, email: `person${index}@example.com`, preferences: {} });
      const inquiry = another(200 + index, { email: `person${index}@example.com`, holders: { email: `e${index}` } });
      outcomes.push((await sendInquiryFollowUps(deps, { ...inquiry, followUps: ['acknowledgement'] })).acknowledgement);
    }
    // Assert
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(20);
    expect(mailer.sent).toHaveLength(20);
  });

  it("takes no mailbox's hour from an IP held back by its own cap: the mailbox can still be acknowledged from elsewhere", async () => {
    // Arrange: one IP spends its 20 acknowledgements on other addresses
    for (let index = 0; index < 20; index += 1) {
      directory.recipients.set(`e${index}`, { contactId: `e${index}`, email: `person${index}@example.com`, preferences: {} });
      const inquiry = another(300 + index, { email: `person${index}@example.com`, holders: { email: `e${index}` } });
      await sendInquiryFollowUps(deps, { ...inquiry, followUps: ['acknowledgement'] });
    }
    // Act: the same IP names Jane's address (held back), then Jane writes in from her own IP
    const fromFlooder = await sendInquiryFollowUps(deps, another(400, { followUps: ['acknowledgement'] }));
    const fromJane = await sendInquiryFollowUps(deps, another(401, { ip: '198.51.100.9', followUps: ['acknowledgement'] }));
    // Assert
    expect(fromFlooder.acknowledgement).toBe('skipped_rate_limited');
    expect(fromJane.acknowledgement).toBe('sent');
    expect(mailer.sent.filter((email) => email.to === 'jane@example.com')).toHaveLength(1);
  });

  it("gives a number's slot back when the daily budget holds its text, so its owner can still opt in", async () => {
    // Arrange: the budget is spent
    const spent = { ...deps, smsCaps: { perIpPerHour: 3, dailyBudget: 0 } };
    // Act
    const held = await sendInquiryFollowUps(spent, another(1, { followUps: ['sms_opt_in_confirmation'] }));
    const owner = await sendInquiryFollowUps(deps, another(2, { followUps: ['sms_opt_in_confirmation'], ip: '192.0.2.50' }));
    // Assert
    expect(held.sms_opt_in_confirmation).toBe('skipped_budget_exhausted');
    expect(owner.sms_opt_in_confirmation).toBe('sent');
  });

  it('cuts a long first name by characters, never inside one', async () => {
    await sendInquiryFollowUps(deps, another(1, { name: `${'🚗'.repeat(45)} Doe`, followUps: ['acknowledgement'] }));
    const text = mailer.sent[0]?.text ?? '';
    expect(text.startsWith(`Hi ${'🚗'.repeat(40)},`)).toBe(true);
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('texts one number at most once in 24 hours', async () => {
    // Act
    const first = await sendInquiryFollowUps(deps, another(1, { followUps: ['sms_opt_in_confirmation'] }));
    const second = await sendInquiryFollowUps(deps, another(2, { followUps: ['sms_opt_in_confirmation'] }));
    clock.set(new Date(NOW.getTime() + 24 * 3600_000 + 1000));
    const nextDay = await sendInquiryFollowUps(deps, another(3, { followUps: ['sms_opt_in_confirmation'] }));
    // Assert
    expect([first, second, nextDay].map((outcome) => outcome.sms_opt_in_confirmation)).toEqual([
      'sent',
      'skipped_rate_limited',
      'sent',
    ]);
    expect(smsSender.sent).toHaveLength(2);
  });

  it('caps the texts one client IP can cause per hour, and the whole deployment per day', async () => {
    // Arrange: twelve numbers, each held by its own contact
    const numbers = Array.from({ length: 12 }, (_, index) => `+1202555${String(1000 + index)}`);
    numbers.forEach((phone, index) => directory.recipients.set(`n${index}`, { contactId: `n${index}`, phone, preferences: {} }));
    const text = (index: number, ip: string) =>
      sendInquiryFollowUps(
        deps,
        another(100 + index, { holders: { sms: `n${index}` }, followUps: ['sms_opt_in_confirmation'], ip }),
      );
    // Act: one IP tries six numbers, then six other IPs try one each
    const fromOneIp = [];
    for (let index = 0; index < 6; index += 1) fromOneIp.push((await text(index, '198.51.100.1')).sms_opt_in_confirmation);
    const fromOthers = [];
    for (let index = 6; index < 12; index += 1)
      fromOthers.push((await text(index, `198.51.100.${index}`)).sms_opt_in_confirmation);
    // Assert: 3 per IP per hour, then the daily budget of 5 ends it
    expect(fromOneIp).toEqual(['sent', 'sent', 'sent', 'skipped_rate_limited', 'skipped_rate_limited', 'skipped_rate_limited']);
    expect(fromOthers).toEqual([
      'sent',
      'sent',
      'skipped_budget_exhausted',
      'skipped_budget_exhausted',
      'skipped_budget_exhausted',
      'skipped_budget_exhausted',
    ]);
    expect(smsSender.sent).toHaveLength(5);
  });

  it('sends a redelivered confirmation once, without spending a second slot of any cap', async () => {
    // Act
    await sendInquiryFollowUps(deps, INQUIRY);
    const again = await sendInquiryFollowUps(deps, INQUIRY);
    // Assert
    expect(again).toEqual({
      acknowledgement: 'already_sent',
      sms_opt_in_confirmation: 'already_sent',
      sales_notification: 'already_sent',
    });
    expect(smsSender.sent).toHaveLength(1);
    expect(mailer.sent).toHaveLength(2);
  });

  it('never texts a number that sent STOP', async () => {
    // Arrange
    directory.stoppedKeys.add(addressKey(fixedSecrets().secrets.addressSalt, 'sms', '+12025550143'));
    // Act
    const outcomes = await sendInquiryFollowUps(deps, another(1, { followUps: ['sms_opt_in_confirmation'] }));
    // Assert
    expect(outcomes.sms_opt_in_confirmation).toBe('skipped_opted_out');
    expect(smsSender.sent).toHaveLength(0);
  });

  it('still sends the other follow-ups when one provider fails, then resends only the failed one', async () => {
    // Arrange
    const failingSms = {
      sendSms: async () => Promise.reject(Object.assign(new Error('down'), { name: 'InternalErrorException' })),
    };
    const failingGate = inMemoryGate({ now: NOW, smsSender: failingSms });
    failingGate.directory.recipients.set('c1', {
      contactId: 'c1',
      email: 'jane@example.com',
      phone: '+12025550143',
      preferences: {},
    });
    const failing = { ...deps, gate: failingGate.gate };
    // Act
    await expect(sendInquiryFollowUps(failing, INQUIRY)).rejects.toThrow(/sms_opt_in_confirmation/);
    // Assert
    expect(failingGate.mailer.sent).toHaveLength(2);
  });
});
