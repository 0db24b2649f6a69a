import { beforeEach, describe, expect, it } from 'vitest';
import { sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import type { OutboxInquiry } from '../../shared/domain/inquiries/send-follow-ups.js';
import { createSendGate } from '../../shared/domain/sending/send-gate.js';
import {
  FakeClock,
  InMemoryDirectory,
  InMemorySendLedger,
  RecordingMailer,
  RecordingSmsSender,
  TEST_BRAND,
  fixedSecrets,
} from '../fixtures/in-memory.js';

const INQUIRY: OutboxInquiry = {
  inquiryId: 'i1',
  contactId: 'c1',
  followUps: ['acknowledgement', 'sms_opt_in_confirmation', 'sales_notification'],
  topic: 'pricing',
  message: 'What does it cost? <script>x</script>',
  companyName: 'Main Street Motors',
  receivedAt: '2026-05-01T12:00:00.000Z',
};

describe('sendInquiryFollowUps', () => {
  let directory: InMemoryDirectory;
  let mailer: RecordingMailer;
  let smsSender: RecordingSmsSender;
  let deps: Parameters<typeof sendInquiryFollowUps>[0];

  beforeEach(() => {
    directory = new InMemoryDirectory();
    directory.recipients.set('c1', {
      contactId: 'c1',
      name: 'Jane <b>Doe</b>',
      email: 'jane@example.com',
      phone: '+12025550143',
      preferences: { 'sms:newsletter': true },
    });
    mailer = new RecordingMailer();
    smsSender = new RecordingSmsSender();
    const gate = createSendGate({
      brand: TEST_BRAND,
      secrets: fixedSecrets(),
      directory,
      ledger: new InMemorySendLedger(),
      mailer,
      smsSender,
      clock: new FakeClock(new Date()),
    });
    deps = { gate, directory, brand: TEST_BRAND, salesAddress: 'sales@acme.test', smsMessagesPerMonth: 4 };
  });

  it('sends the acknowledgement, the SMS opt-in confirmation and the new-lead email', async () => {
    // Act
    const outcomes = await sendInquiryFollowUps(deps, INQUIRY);
    // Assert
    expect(outcomes).toEqual({ acknowledgement: 'sent', sms_opt_in_confirmation: 'sent', sales_notification: 'sent' });
    expect(mailer.sent.map((email) => email.to).sort()).toEqual(['jane@example.com', 'sales@acme.test']);
    const sms = smsSender.sent[0]?.body ?? '';
    for (const wording of [
      TEST_BRAND.brandName,
      'Up to 4 msgs/mo',
      'Msg & data rates may apply',
      'Reply HELP for help, STOP to opt out',
    ]) {
      expect(sms).toContain(wording);
    }
  });

  it('escapes what the visitor typed in every HTML part', async () => {
    await sendInquiryFollowUps(deps, INQUIRY);
    for (const email of mailer.sent) {
      expect(email.html).not.toContain('<script>');
      expect(email.html).not.toContain('<b>Doe</b>');
    }
    expect(mailer.sent.find((email) => email.to === 'sales@acme.test')?.text).toContain('Main Street Motors');
  });

  it('still sends the other follow-ups when one provider fails, then resends only the failed one', async () => {
    // Arrange
    const failingSms = {
      sendSms: async () => Promise.reject(Object.assign(new Error('down'), { name: 'InternalErrorException' })),
    };
    const gate = createSendGate({
      brand: TEST_BRAND,
      secrets: fixedSecrets(),
      directory,
      ledger: new InMemorySendLedger(),
      mailer,
      smsSender: failingSms,
      clock: new FakeClock(new Date()),
    });
    const failing = { ...deps, gate };
    // Act
    await expect(sendInquiryFollowUps(failing, INQUIRY)).rejects.toThrow(/sms_opt_in_confirmation/);
    // Assert
    expect(mailer.sent).toHaveLength(2);
  });
});
