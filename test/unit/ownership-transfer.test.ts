import { describe, expect, it } from '@jest/globals';
import { audiencesOf } from '../../shared/domain/campaigns/audience.js';
import { audienceFor } from '../../shared/domain/campaigns/campaign.js';
import { audiencesOfScope } from '../../shared/domain/contacts/erasure-plan.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { storePolicyVersion } from '../../shared/domain/policy/announce-policy.js';
import { assertOwnershipNoticeRuns } from '../../shared/domain/policy/policy-version.js';
import type { PolicyVersion } from '../../shared/domain/policy/policy-version.js';
import type { Campaign } from '../../shared/domain/campaigns/campaign.js';
import { decideEligibility } from '../../shared/domain/sending/eligibility.js';
import type { Recipient } from '../../shared/ports/recipient-directory.js';
import { FakeClock, TEST_BRAND } from '../fixtures/in-memory.js';

const NOW = new Date('2027-03-01T12:00:00.000Z');
const DAY_MS = 24 * 3600 * 1000;
const ADMIN = { sub: 'admin-1', roles: ['admin'] } as unknown as Parameters<typeof storePolicyVersion>[1];

const leftAllEmail: Recipient = { contactId: 'c1', email: 'pat@example.com', preferences: {}, emailOptOutAll: true };

const legal = (recipient: Recipient, suppressed = false) =>
  decideEligibility({ channel: 'email', category: 'legal_notice', recipient, suppressed, keywordReply: false, at: NOW });

describe('the legal notice of a transfer of ownership (send gate eligibility)', () => {
  it('reaches a contact who unsubscribed from all email, whom a service notice skips', () => {
    expect(legal(leftAllEmail)).toBe('send');
    expect(
      decideEligibility({
        channel: 'email',
        category: 'service_notice',
        recipient: leftAllEmail,
        suppressed: false,
        keywordReply: false,
        at: NOW,
      }),
    ).toBe('skipped_opted_out');
  });

  it('never reaches a suppressed address', () => {
    expect(legal(leftAllEmail, true)).toBe('skipped_suppressed');
  });

  it('never reaches an erased contact (no address left)', () => {
    expect(legal({ contactId: 'c1', preferences: {} })).toBe('skipped_no_address');
  });
});

describe('the legal audience', () => {
  it('holds every contact with an email address, unsubscribed from all email or not', () => {
    expect(audiencesOf({ email: 'pat@example.com', preferences: {}, emailOptOutAll: true })).toEqual(new Set(['email:legal']));
    expect(audiencesOf({ email: 'pat@example.com', preferences: {} })).toEqual(new Set(['email:legal', 'email:service']));
  });

  it('leaves out a phone-only contact and a newsletter sign-up that never confirmed its address', () => {
    expect(audiencesOf({ phone: '+12025550143', preferences: { 'sms:newsletter': true } }).has('email:legal')).toBe(false);
    expect(audiencesOf({ email: 'pat@example.com', preferences: {}, subscriptionUnconfirmed: true }).size).toBe(0);
  });

  it('is the audience a legal notice campaign reads, and one an erased contact leaves', () => {
    expect(audienceFor('legal_notice', 'email')).toBe('email:legal');
    expect(audiencesOfScope('email')).toContain('email:legal');
    expect(audiencesOfScope('contact')).toContain('email:legal');
  });
});

describe('a policy version that transfers ownership', () => {
  const version = {
    version: 'new-owner',
    effectiveAt: new Date(NOW.getTime() + 31 * DAY_MS).toISOString(),
    summary: 'Acme Holdings buys the business.',
    url: 'https://acme.test/privacy/new-owner',
  };

  it('refuses an effective time earlier than the notice period after now, naming effectiveAt', () => {
    const day29 = new Date(NOW.getTime() + 29 * DAY_MS).toISOString();

    let error: unknown;
    try {
      assertOwnershipNoticeRuns(day29, NOW, 30);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.[0]?.path).toBe('effectiveAt');
  });

  it('accepts an effective time the notice period or more after now', () => {
    expect(() => assertOwnershipNoticeRuns(new Date(NOW.getTime() + 30 * DAY_MS).toISOString(), NOW, 30)).not.toThrow();
    expect(() => assertOwnershipNoticeRuns(new Date(NOW.getTime() + 90 * DAY_MS).toISOString(), NOW, 30)).not.toThrow();
  });

  it('schedules a legal notice at once, not at the effective time, even when not marked significant', async () => {
    // Arrange
    const writes: { version: PolicyVersion; notice: Campaign | undefined }[] = [];
    const deps = {
      policy: { add: async (stored: PolicyVersion, notice?: Campaign) => (writes.push({ version: stored, notice }), true) },
      clock: new FakeClock(NOW),
      brand: TEST_BRAND,
      newId: () => 'notice-1',
    };
    // Act
    const { notice } = await storePolicyVersion(deps, ADMIN, { ...version, significant: false, ownershipTransfer: true });
    // Assert
    expect(notice).toMatchObject({ category: 'legal_notice', channels: ['email'], nextRunAt: '2027-03-01T12:01:00.000Z' });
    expect(notice?.text).toContain(version.url);
    expect(writes).toEqual([{ version: expect.objectContaining({ ownershipTransfer: true }), notice }]);
  });
});
