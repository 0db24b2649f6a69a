import { describe, expect, it } from '@jest/globals';
import type { Channel } from '../../shared/domain/consent.js';
import type { Category } from '../../shared/domain/messages.js';
import { decideEligibility } from '../../shared/domain/sending/eligibility.js';
import type { Recipient } from '../../shared/ports/recipient-directory.js';

// 15:00 UTC = 10:00 in New York, 07:00 in Los Angeles.
const MORNING_EAST = new Date('2026-03-02T15:00:00Z');
const AFTERNOON_EVERYWHERE = new Date('2026-03-02T20:00:00Z');

const person = (overrides: Partial<Recipient> = {}): Recipient => ({
  contactId: 'c1',
  email: 'jane@example.com',
  phone: '+12025550143',
  preferences: {},
  ...overrides,
});

const decide = (
  channel: Channel,
  category: Category,
  recipient: Recipient,
  extra: { suppressed?: boolean; keywordReply?: boolean; at?: Date } = {},
) =>
  decideEligibility({
    channel,
    category,
    recipient,
    suppressed: extra.suppressed ?? false,
    keywordReply: extra.keywordReply ?? false,
    at: extra.at ?? AFTERNOON_EVERYWHERE,
  });

describe('decideEligibility', () => {
  it('sends a transactional email to the person who asked, without any opt-in', () => {
    expect(decide('email', 'transactional', person())).toBe('send');
  });

  it('never sends to a suppressed address, whatever the category', () => {
    for (const category of ['transactional', 'service_notice', 'newsletter'] as const) {
      expect(decide('email', category, person({ preferences: { 'email:newsletter': true } }), { suppressed: true })).toBe(
        'skipped_suppressed',
      );
    }
  });

  it('sends a topic only with a current opt-in for that topic and channel', () => {
    const optedIn = person({ preferences: { 'email:newsletter': true, 'sms:marketing': true } });
    expect(decide('email', 'newsletter', optedIn)).toBe('send');
    expect(decide('email', 'marketing', optedIn)).toBe('skipped_opted_out');
    expect(decide('sms', 'newsletter', optedIn)).toBe('skipped_opted_out');
    expect(decide('email', 'newsletter', person({ preferences: { 'email:newsletter': false } }))).toBe('skipped_opted_out');
  });

  it('sends service notices to every email address except those who left all email', () => {
    expect(decide('email', 'service_notice', person())).toBe('send');
    expect(decide('email', 'service_notice', person({ emailOptOutAll: true }))).toBe('skipped_opted_out');
  });

  it('sends a transactional SMS only with SMS consent, except a keyword reply', () => {
    expect(decide('sms', 'transactional', person())).toBe('skipped_opted_out');
    expect(decide('sms', 'transactional', person(), { keywordReply: true })).toBe('send');
    expect(decide('sms', 'transactional', person({ preferences: { 'sms:newsletter': true } }))).toBe('send');
  });

  it('defers a non-transactional SMS outside 08:00-21:00 in every continental US zone when the zone is unknown', () => {
    const optedIn = person({ preferences: { 'sms:newsletter': true } });
    expect(decide('sms', 'newsletter', optedIn, { at: MORNING_EAST })).toBe('deferred_quiet_hours');
    expect(decide('sms', 'newsletter', { ...optedIn, timeZone: 'America/New_York' }, { at: MORNING_EAST })).toBe('send');
  });

  it('never defers a transactional SMS for quiet hours', () => {
    const optedIn = person({ preferences: { 'sms:newsletter': true } });
    expect(decide('sms', 'transactional', optedIn, { at: new Date('2026-03-02T07:00:00Z') })).toBe('send');
  });

  it('skips a channel the person gave no address for', () => {
    expect(decide('sms', 'transactional', person({ phone: undefined }), { keywordReply: true })).toBe('skipped_no_address');
  });
});
