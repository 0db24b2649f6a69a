import { beforeEach, describe, expect, it } from '@jest/globals';
import { sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import type { OutboxInquiry } from '../../shared/domain/inquiries/send-follow-ups.js';
import { InMemoryDirectory, RecordingMailer, RecordingSmsSender, TEST_BRAND, inMemoryGate } from '../fixtures/in-memory.js';

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
    const built = inMemoryGate();
    ({ directory, mailer, smsSender } = built);
    directory.recipients.set('c1', {
      contactId: 'c1',
      name: 'Jane <b>Doe</b>',
      email: 'jane@example.com',
      phone: '+12025550143',
      preferences: { 'sms:newsletter': true },
    });
    const { gate } = built;
    deps = {
      channels: ['email', 'sms'],
      gate,
      directory,
      brand: TEST_BRAND,
      salesAddress: 'sales@acme.test',
      smsMessagesPerMonth: 4,
    };
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
    const failingGate = inMemoryGate({ smsSender: failingSms });
    failingGate.directory.recipients.set('c1', {
      contactId: 'c1',
      email: 'jane@example.com',
      phone: '+12025550143',
      preferences: { 'sms:newsletter': true },
    });
    const failing = { ...deps, gate: failingGate.gate, directory: failingGate.directory };
    // Act
    await expect(sendInquiryFollowUps(failing, INQUIRY)).rejects.toThrow(/sms_opt_in_confirmation/);
    // Assert
    expect(failingGate.mailer.sent).toHaveLength(2);
  });
});
