import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_NOTICE_DAYS,
  NoticePeriodNotRunError,
  announceThirdParty,
  assertMayDisclose,
} from '../../shared/domain/disclosures/advance-notice.js';
import { RECIPIENTS } from '../../shared/recipients.js';
import type { Recipient } from '../../shared/recipients.js';
import { FakeClock, InMemoryCampaignStore, TEST_BRAND } from '../fixtures/in-memory.js';

const DAY_MS = 24 * 3600 * 1000;
const NOTICE_SENT = new Date('2027-01-10T15:00:00.000Z');
const ADMIN = { sub: 'admin-1', roles: ['admin' as const] };

const partner: Recipient = {
  id: 'crm_partner',
  name: 'Example CRM Partner',
  role: 'third_party',
  purpose: 'Enriches leads with dealership data.',
  data: ['name', 'email_address', 'company'],
  since: '2027-02-09',
  wiring: { kind: 'integration' },
  noticeSentAt: NOTICE_SENT.toISOString(),
};

/** The injected clock, `days` after the notice went out. */
const dayAfterNotice = (days: number) => new FakeClock(new Date(NOTICE_SENT.getTime() + days * DAY_MS)).now();

describe('assertMayDisclose (the one guard before personal data goes to a recipient)', () => {
  it('refuses a third party on day 29 after its notice', () => {
    expect(() => assertMayDisclose(partner, dayAfterNotice(29))).toThrow(NoticePeriodNotRunError);
    expect(() => assertMayDisclose(partner, new Date(dayAfterNotice(30).getTime() - 1))).toThrow(NoticePeriodNotRunError);
  });

  it('allows a third party from day 30 on', () => {
    expect(() => assertMayDisclose(partner, dayAfterNotice(30))).not.toThrow();
    expect(() => assertMayDisclose(partner, dayAfterNotice(31))).not.toThrow();
    expect(() => assertMayDisclose(partner, dayAfterNotice(400))).not.toThrow();
  });

  it('follows the configured notice period', () => {
    expect(() => assertMayDisclose(partner, dayAfterNotice(44), 45)).toThrow(
      'no personal data goes to it before 2027-02-24T15:00:00.000Z',
    );
    expect(() => assertMayDisclose(partner, dayAfterNotice(45), 45)).not.toThrow();
  });

  it('refuses a third party that was never announced, whatever the date', () => {
    const { noticeSentAt: _, ...unannounced } = partner;

    expect(() => assertMayDisclose(unannounced, dayAfterNotice(10_000))).toThrow('never announced');
  });

  it('lets processors and our own mailboxes through at once', () => {
    for (const recipient of RECIPIENTS) expect(() => assertMayDisclose(recipient, new Date(0))).not.toThrow();
  });

  it('defaults the notice period to 30 days', () => {
    expect(DEFAULT_NOTICE_DAYS).toBe(30);
  });
});

describe('announceThirdParty', () => {
  it('schedules a service notice to every reachable contact and says from when the third party may receive data', async () => {
    // Arrange
    const campaigns = new InMemoryCampaignStore();
    const clock = new FakeClock(new Date('2027-01-10T14:59:00.000Z'));
    const { noticeSentAt: _, ...unannounced } = partner;
    // Act
    const announced = await announceThirdParty(
      { campaigns, clock, brand: TEST_BRAND, newId: () => 'notice-1' },
      ADMIN,
      unannounced,
    );
    // Assert
    expect(announced.notice).toMatchObject({
      campaignId: 'notice-1',
      category: 'service_notice',
      channels: ['email'],
      status: 'scheduled',
      nextRunAt: '2027-01-10T15:00:00.000Z',
    });
    expect(announced.notice.text).toContain('Example CRM Partner');
    expect(announced.notice.text).toContain('2027-02-09');
    expect(await campaigns.get('notice-1')).toMatchObject({ campaignId: 'notice-1' });
    expect(announced).toMatchObject({ noticeSentAt: '2027-01-10T15:00:00.000Z', usableFrom: '2027-02-09T15:00:00.000Z' });
    // The guard reads the recorded noticeSentAt: refused before usableFrom, allowed from it.
    const registered = { ...unannounced, noticeSentAt: announced.noticeSentAt };
    expect(() => assertMayDisclose(registered, new Date('2027-02-09T14:59:59.999Z'))).toThrow(NoticePeriodNotRunError);
    expect(() => assertMayDisclose(registered, new Date(announced.usableFrom))).not.toThrow();
  });

  it('owes no notice for a processor', async () => {
    const campaigns = new InMemoryCampaignStore();

    await expect(
      announceThirdParty(
        { campaigns, clock: new FakeClock(NOTICE_SENT), brand: TEST_BRAND, newId: () => 'n' },
        ADMIN,
        RECIPIENTS[0],
      ),
    ).rejects.toThrow('no notice is owed');
  });
});
