import { describe, expect, it } from '@jest/globals';
import type { Channel } from '../../shared/domain/consent.js';
import type { OutboxInquiry } from '../../shared/domain/inquiries/send-follow-ups.js';
import { daysBetween, redriveOutbox } from '../../scripts/redrive-outbox.js';

const inquiry = (inquiryId: string, overrides: Partial<OutboxInquiry> = {}): OutboxInquiry => ({
  inquiryId,
  contactId: `contact-${inquiryId}`,
  holders: { email: `contact-${inquiryId}`, sms: `contact-${inquiryId}` },
  consentRequests: {},
  followUps: ['acknowledgement', 'sales_notification', 'sms_opt_in_confirmation'],
  topic: 'general',
  receivedAt: '2026-05-01T10:00:00.000Z',
  ...overrides,
});

function deps(byDay: Record<string, OutboxInquiry[]>, statuses: Record<string, string>) {
  const sent: { channel: Channel; inquiryId: string; followUps: string[] }[] = [];
  return {
    sent,
    deps: {
      async *inquiriesOn(day: string) {
        yield* byDay[day] ?? [];
      },
      sendStatus: async (contactId: string, dedupeKey: string) => statuses[`${contactId}|${dedupeKey}`],
      sendFollowUps: async (channel: Channel, item: OutboxInquiry) => {
        sent.push({ channel, inquiryId: item.inquiryId, followUps: item.followUps });
      },
    },
  };
}

describe('redriveOutbox', () => {
  it('sends again only the follow-ups whose send record is missing or unsettled, channel by channel', async () => {
    // Arrange: i1 owes everything settled; i2 lost its acknowledgement (failed) and its text (no record).
    const { deps: redriveDeps, sent } = deps(
      { '2026-05-01': [inquiry('i1'), inquiry('i2')] },
      {
        'contact-i1|inquiry#i1#acknowledgement': 'sent',
        'contact-i1|inquiry#i1#sales_notification': 'sent',
        'contact-i1|inquiry#i1#sms_opt_in_confirmation': 'skipped_opted_out',
        'contact-i2|inquiry#i2#acknowledgement': 'failed',
        'contact-i2|inquiry#i2#sales_notification': 'sent',
      },
    );
    // Act
    const report = await redriveOutbox(redriveDeps, { from: '2026-05-01', to: '2026-05-01' });
    // Assert
    expect(report.inquiries).toBe(2);
    expect(report.redriven).toEqual([{ inquiryId: 'i2', followUps: ['acknowledgement', 'sms_opt_in_confirmation'] }]);
    expect(sent).toEqual([
      { channel: 'email', inquiryId: 'i2', followUps: ['acknowledgement'] },
      { channel: 'sms', inquiryId: 'i2', followUps: ['sms_opt_in_confirmation'] },
    ]);
  });

  it('sends nothing on a dry run, and reads every day of the range', async () => {
    const { deps: redriveDeps, sent } = deps({ '2026-05-01': [inquiry('i1')], '2026-05-03': [inquiry('i3')] }, {});
    const report = await redriveOutbox(redriveDeps, { from: '2026-05-01', to: '2026-05-03', dryRun: true });
    expect(report.redriven.map((entry) => entry.inquiryId)).toEqual(['i1', 'i3']);
    expect(sent).toHaveLength(0);
    expect(daysBetween('2026-04-30', '2026-05-02')).toEqual(['2026-04-30', '2026-05-01', '2026-05-02']);
  });

  it('reports a follow-up that fails again and goes on with the rest', async () => {
    const { deps: redriveDeps } = deps({ '2026-05-01': [inquiry('i1'), inquiry('i2')] }, {});
    const failing = {
      ...redriveDeps,
      sendFollowUps: async (_channel: Channel, item: OutboxInquiry) => {
        if (item.inquiryId === 'i1') throw Object.assign(new Error('down'), { name: 'ThrottlingException' });
      },
    };
    const report = await redriveOutbox(failing, { from: '2026-05-01', to: '2026-05-01' });
    expect(report.failed).toEqual([
      { inquiryId: 'i1', error: 'ThrottlingException' },
      { inquiryId: 'i1', error: 'ThrottlingException' },
    ]);
    expect(report.redriven).toHaveLength(2);
  });
});
