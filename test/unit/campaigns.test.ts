import { beforeEach, describe, expect, it } from '@jest/globals';
import { complianceProblems } from '../../shared/domain/campaigns/campaign.js';
import type { Campaign, CampaignInput } from '../../shared/domain/campaigns/campaign.js';
import { dispatchDueCampaigns } from '../../shared/domain/campaigns/dispatch.js';
import { createPacer } from '../../shared/domain/campaigns/pacer.js';
import { QUIET_HOURS_RETRY_SECONDS, planShard, sendBatch } from '../../shared/domain/campaigns/process-work.js';
import { isValidCron, nextRunAt } from '../../shared/domain/campaigns/schedule.js';
import type { CampaignWork } from '../../shared/ports/work-queue.js';
import {
  FakeClock,
  InMemoryAudienceIndex,
  InMemoryCampaignStore,
  RecordingWorkQueue,
  TEST_BRAND,
  inMemoryGate,
} from '../fixtures/in-memory.js';

const NEWSLETTER: CampaignInput = {
  name: 'November newsletter',
  category: 'newsletter',
  channels: ['email', 'sms'],
  subject: 'What is new',
  text: 'Three new features for your lot.',
  sms: 'Three new features are live.',
  schedule: { cron: '0 10 1 * *', timezone: 'America/New_York' },
};

describe('campaign schedules', () => {
  it('keeps a monthly 10:00 New York send at 10:00 across the daylight-saving change', () => {
    const schedule = { cron: '0 10 1 * *', timezone: 'America/New_York' };
    const october = nextRunAt(schedule, new Date('2026-09-15T00:00:00Z'));
    const november = nextRunAt(schedule, october ?? new Date());
    expect(october?.toISOString()).toBe('2026-10-01T14:00:00.000Z'); // EDT, UTC-4
    expect(november?.toISOString()).toBe('2026-11-01T15:00:00.000Z'); // EST, UTC-5
  });

  it('runs a one-off schedule once', () => {
    const at = { at: '2026-12-01T15:00:00Z' };
    expect(nextRunAt(at, new Date('2026-11-30T00:00:00Z'))?.toISOString()).toBe('2026-12-01T15:00:00.000Z');
    expect(nextRunAt(at, new Date('2026-12-01T15:00:00Z'))).toBeUndefined();
  });

  it('accepts only five-field cron expressions', () => {
    expect(isValidCron('0 10 1 * *', 'America/New_York')).toBe(true);
    expect(isValidCron('0 0 10 1 * *', 'America/New_York')).toBe(false);
    expect(isValidCron('every monday', 'America/New_York')).toBe(false);
  });
});

describe('pre-send compliance check', () => {
  it('passes a campaign whose rendered samples carry everything', () => {
    expect(complianceProblems(TEST_BRAND, NEWSLETTER)).toEqual([]);
  });

  it('names an SMS that would take more than three segments with its footer', () => {
    const problems = complianceProblems(TEST_BRAND, { ...NEWSLETTER, sms: 'x'.repeat(430) });
    expect(problems).toEqual([{ path: 'sms', message: expect.stringMatching(/takes 4 SMS segments; at most 3/) }]);
  });

  it('names a missing SMS text, and an email the footer cannot complete', () => {
    const { sms: _sms, ...withoutSms } = NEWSLETTER;
    expect(complianceProblems(TEST_BRAND, withoutSms).map((problem) => problem.path)).toEqual(['sms']);
    const noAddress = { ...TEST_BRAND, postalAddress: '' };
    expect(complianceProblems(noAddress, NEWSLETTER).map((problem) => problem.message)).toContain(
      'the email lacks the postal address',
    );
  });
});

describe('pacer', () => {
  it('spaces bulk calls so that the rate holds', async () => {
    let now = 0;
    const waits: number[] = [];
    const pace = createPacer(
      100,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    await pace(50);
    await pace(50);
    await pace(50);
    expect(waits).toEqual([500, 500]);
  });
});

describe('campaign dispatch and sending', () => {
  const NOW = new Date('2026-03-10T17:00:00Z'); // 12:00 in New York, 09:00 in Los Angeles
  let campaigns: InMemoryCampaignStore;
  let queue: RecordingWorkQueue;
  let audiences: InMemoryAudienceIndex;
  let built: ReturnType<typeof inMemoryGate>;
  let clock: FakeClock;

  const campaign = (overrides: Partial<Campaign> = {}): Campaign => ({
    ...NEWSLETTER,
    channels: ['email'],
    campaignId: 'c-1',
    status: 'scheduled',
    nextRunAt: '2026-03-10T16:00:00.000Z',
    createdBy: 'marketer',
    createdAt: '2026-03-01T00:00:00.000Z',
    ...overrides,
  });

  beforeEach(() => {
    campaigns = new InMemoryCampaignStore();
    queue = new RecordingWorkQueue();
    audiences = new InMemoryAudienceIndex();
    built = inMemoryGate({ now: NOW });
    clock = new FakeClock(NOW);
    for (const id of ['a', 'b', 'c', 'd']) {
      built.directory.recipients.set(id, {
        contactId: id,
        email: `${id}@example.com`,
        phone: '+12025550143',
        preferences: { 'email:newsletter': true, 'sms:newsletter': true },
        ...(id === 'd' ? { timeZone: 'America/Los_Angeles' } : { timeZone: 'America/New_York' }),
      });
      audiences.add('email:newsletter', id);
      audiences.add('sms:newsletter', id);
    }
  });

  async function runAll(deps: { pace?: (n: number) => Promise<void> } = {}) {
    const sendDeps = { campaigns, queue, gate: built.gate, pace: deps.pace ?? (async () => undefined) };
    for (let round = 0; round < 5; round += 1) {
      const work = queue.queued.filter((entry) => entry.delaySeconds === 0).map((entry) => entry.work);
      queue.queued.splice(0, queue.queued.length, ...queue.queued.filter((entry) => entry.delaySeconds > 0));
      if (work.length === 0) return;
      for (const item of work) {
        if (item.kind === 'plan') await planShard({ campaigns, audiences, queue, now: () => new Date() }, item);
        else await sendBatch(sendDeps, item);
      }
    }
  }

  it('starts a due run once even when two dispatchers run at the same time', async () => {
    await campaigns.create(campaign());
    const [first, second] = await Promise.all([
      dispatchDueCampaigns({ campaigns, queue, clock }),
      dispatchDueCampaigns({ campaigns, queue, clock }),
    ]);
    expect([...first.started, ...second.started]).toHaveLength(1);
    expect((await campaigns.get('c-1'))?.nextRunAt).toBe('2026-04-01T14:00:00.000Z');
  });

  it('sends each recipient exactly one email, in one bulk call, even when every batch is delivered twice', async () => {
    // Arrange
    await campaigns.create(campaign());
    await dispatchDueCampaigns({ campaigns, queue, clock });
    const plans = queue.take();
    // Act: every plan message twice, then every send message twice
    for (const work of [...plans, ...plans])
      if (work.kind === 'plan') await planShard({ campaigns, audiences, queue, now: () => new Date() }, work);
    const sends = queue.take();
    for (const work of [...sends, ...sends])
      if (work.kind === 'send') await sendBatch({ campaigns, queue, gate: built.gate, pace: async () => undefined }, work);
    // Assert
    expect(built.mailer.sent.map((email) => email.to).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'd@example.com',
    ]);
    const [run] = await campaigns.runs('c-1');
    expect(run?.counts).toMatchObject({ targeted: 4, sent: 4 });
    const sample = built.mailer.sent[0];
    expect(sample?.headers.map((header) => header.name)).toEqual(['List-Unsubscribe', 'List-Unsubscribe-Post']);
    expect(sample?.text).toContain('/unsubscribe?token=v1.');
    expect(sample?.text).toContain(TEST_BRAND.postalAddress);
  });

  it('skips opted-out, suppressed and erased contacts and counts why', async () => {
    built.directory.recipients.set('b', { ...built.directory.recipients.get('b')!, preferences: { 'email:newsletter': false } });
    built.directory.suppressAddress('email', 'c@example.com');
    built.directory.recipients.delete('d');
    await campaigns.create(campaign());
    await dispatchDueCampaigns({ campaigns, queue, clock });
    await runAll();
    expect(built.mailer.sent.map((email) => email.to)).toEqual(['a@example.com']);
    const [run] = await campaigns.runs('c-1');
    expect(run?.counts).toMatchObject({ targeted: 4, sent: 1, skippedOptedOut: 1, skippedSuppressed: 1, skippedNoAddress: 1 });
  });

  it('retries a batch throttled by SES and still sends each recipient once', async () => {
    // Arrange: the run is planned into batches
    await campaigns.create(campaign());
    await dispatchDueCampaigns({ campaigns, queue, clock });
    for (const work of queue.take())
      if (work.kind === 'plan') await planShard({ campaigns, audiences, queue, now: () => new Date() }, work);
    const sends = queue.take().filter((work): work is Extract<CampaignWork, { kind: 'send' }> => work.kind === 'send');
    const deps = { campaigns, queue, gate: built.gate, pace: async () => undefined };
    const [first] = sends;
    if (!first) throw new Error('nothing planned');
    // Act: SES throttles the first batch's call; then SQS redelivers every batch
    built.mailer.failuresToInject = 1;
    await expect(sendBatch(deps, first)).rejects.toThrow('Rate exceeded');
    for (const work of sends) await sendBatch(deps, work);
    // Assert
    expect(built.mailer.sent.map((email) => email.to).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'd@example.com',
    ]);
    const [run] = await campaigns.runs('c-1');
    expect(run?.counts).toMatchObject({ sent: 4 });
    expect(run?.counts.failed).toBeGreaterThan(0);
  });

  it('defers texts outside 08:00-21:00 in the recipient zone and sends them later, never dropping them', async () => {
    // 13:00 UTC: 08:00 in New York, 05:00 in Los Angeles.
    clock.set('2026-03-10T13:00:00Z');
    built = inMemoryGate({ now: new Date('2026-03-10T13:00:00Z') });
    for (const id of ['a', 'd']) {
      built.directory.recipients.set(id, {
        contactId: id,
        phone: id === 'a' ? '+12025550143' : '+13105550143',
        preferences: { 'sms:newsletter': true },
        timeZone: id === 'a' ? 'America/New_York' : 'America/Los_Angeles',
      });
    }
    audiences = new InMemoryAudienceIndex();
    audiences.add('sms:newsletter', 'a');
    audiences.add('sms:newsletter', 'd');
    await campaigns.create(campaign({ channels: ['sms'], nextRunAt: '2026-03-10T12:00:00.000Z' }));
    await dispatchDueCampaigns({ campaigns, queue, clock });
    await runAll();
    expect(built.smsSender.sent.map((sms) => sms.to)).toEqual(['+12025550143']);
    const deferred = queue.queued.filter((entry) => entry.delaySeconds === QUIET_HOURS_RETRY_SECONDS);
    expect(deferred).toHaveLength(1);
    expect(deferred[0]?.work).toMatchObject({ kind: 'send', channel: 'sms', contactIds: ['d'] });
    const [run] = await campaigns.runs('c-1');
    expect(run?.counts).toMatchObject({ sent: 1, deferred: 1 });
  });

  it('sends nothing more after a cancel, even from batches already queued', async () => {
    await campaigns.create(campaign());
    await dispatchDueCampaigns({ campaigns, queue, clock });
    for (const work of queue.take())
      if (work.kind === 'plan') await planShard({ campaigns, audiences, queue, now: () => new Date() }, work);
    await campaigns.cancel('c-1');
    await runAll();
    expect(built.mailer.sent).toHaveLength(0);
  });
});
