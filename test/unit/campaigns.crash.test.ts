import { describe, expect, it } from '@jest/globals';
import { EMPTY_RUN_COUNTS } from '../../shared/domain/campaigns/campaign.js';
import type { Campaign } from '../../shared/domain/campaigns/campaign.js';
import { PLANNING_LEASE_SECONDS, dispatchDueCampaigns } from '../../shared/domain/campaigns/dispatch.js';
import { planShard, sendBatch } from '../../shared/domain/campaigns/process-work.js';
import { recordProviderSend } from '../../shared/domain/email-events/record-send.js';
import type { ProviderSendEvent } from '../../shared/domain/email-events/record-send.js';
import { createSendGate } from '../../shared/domain/sending/send-gate.js';
import { SEND_TAG_NAME } from '../../shared/domain/sending/send-tag.js';
import type { CampaignStore } from '../../shared/ports/campaign-store.js';
import type { Mailer } from '../../shared/ports/mailer.js';
import type { SendLedger } from '../../shared/ports/send-ledger.js';
import type { CampaignWork, WorkQueue } from '../../shared/ports/work-queue.js';
import {
  FakeClock,
  InMemoryAudienceIndex,
  InMemoryCampaignStore,
  InMemoryDirectory,
  InMemorySendLedger,
  TEST_BRAND,
  fixedSecrets,
} from '../fixtures/in-memory.js';

/**
 * Kill tests for a campaign run: the worker dies once at one step (dispatch, planning, sending),
 * its unit of work is redelivered as SQS would after the visibility timeout, and the dispatcher
 * keeps ticking every minute. Every recipient must get exactly one email.
 */

const START = new Date('2026-03-10T16:00:30Z');
const RECIPIENTS = 137;

class KilledError extends Error {
  constructor(point: string) {
    super(`killed at ${point}`);
    this.name = 'KilledError';
  }
}

type KillPoint =
  | 'none'
  | 'dispatch_after_start'
  | 'plan_before_marked'
  | 'plan_after_marked'
  | 'plan_after_leftovers_claimed'
  | 'send_after_provider'
  | 'send_after_first_sent_write'
  | 'send_before_counts';

/** An SQS queue in memory: a message that fails comes back after its visibility timeout. */
class SimulatedQueue implements WorkQueue {
  readonly messages: { work: CampaignWork; visibleAt: number }[] = [];
  constructor(private readonly clock: FakeClock) {}
  async enqueue(work: readonly CampaignWork[], delaySeconds = 0) {
    for (const item of work) this.messages.push({ work: item, visibleAt: this.clock.now().getTime() + delaySeconds * 1000 });
  }
  takeVisible(): CampaignWork[] {
    const now = this.clock.now().getTime();
    const visible = this.messages.filter((message) => message.visibleAt <= now);
    this.messages.splice(0, this.messages.length, ...this.messages.filter((message) => message.visibleAt > now));
    return visible.map((message) => message.work);
  }
}

async function runCampaign(kill: KillPoint, options: { remainingMs?: () => number } = {}) {
  const clock = new FakeClock(START);
  const directory = new InMemoryDirectory();
  const audiences = new InMemoryAudienceIndex();
  for (let index = 0; index < RECIPIENTS; index += 1) {
    const id = `contact-${index}`;
    directory.recipients.set(id, {
      contactId: id,
      email: `${id}@example.com`,
      preferences: { 'email:newsletter': true },
      timeZone: 'America/New_York',
    });
    audiences.add('email:newsletter', id);
  }
  const store = new InMemoryCampaignStore();
  const campaign: Campaign = {
    name: 'Newsletter',
    category: 'newsletter',
    channels: ['email'],
    subject: 'News',
    text: 'Three new features.',
    schedule: { at: '2026-03-10T16:00:00.000Z' },
    campaignId: 'camp-1',
    status: 'scheduled',
    nextRunAt: '2026-03-10T16:00:00.000Z',
    createdBy: 'marketer',
    createdAt: '2026-03-01T00:00:00.000Z',
  };
  await store.create(campaign);
  const innerLedger = new InMemorySendLedger();
  const queue = new SimulatedQueue(clock);
  const accepted = new Map<string, number>();
  const sendEvents: ProviderSendEvent[] = [];
  let killed = false;
  const die = (point: KillPoint) => {
    if (kill === point && !killed) {
      killed = true;
      throw new KilledError(point);
    }
  };

  const campaigns: CampaignStore = Object.assign(Object.create(store) as CampaignStore, {
    startRun: async (...args: Parameters<CampaignStore['startRun']>) => {
      const outcome = await store.startRun(...args);
      die('dispatch_after_start');
      return outcome;
    },
    markPlanned: async (...args: Parameters<CampaignStore['markPlanned']>) => {
      die('plan_before_marked');
      const planned = await store.markPlanned(...args);
      die('plan_after_marked');
      return planned;
    },
    claimLeftovers: async (...args: Parameters<CampaignStore['claimLeftovers']>) => {
      const claim = await store.claimLeftovers(...args);
      if (claim === 'claimed') die('plan_after_leftovers_claimed');
      return claim;
    },
    addCounts: async (...args: Parameters<CampaignStore['addCounts']>) => {
      die('send_before_counts');
      return store.addCounts(...args);
    },
  });
  let sentWrites = 0;
  const ledger: SendLedger = {
    claim: (claim, lease) => innerLedger.claim(claim, lease),
    markFailed: (claim, reason) => innerLedger.markFailed(claim, reason),
    markSkipped: (claim, status) => innerLedger.markSkipped(claim, status),
    recordProviderSend: (ref, id) => innerLedger.recordProviderSend(ref, id),
    markSent: async (claim, id) => {
      sentWrites += 1;
      if (sentWrites === 2) die('send_after_first_sent_write');
      return innerLedger.markSent(claim, id);
    },
  };
  let messageIds = 0;
  const mailer: Mailer = {
    sendEmail: () => Promise.reject(new Error('campaigns send in bulk')),
    async sendBulk(_template, entries) {
      const receipts = entries.map((entry) => {
        accepted.set(entry.to, (accepted.get(entry.to) ?? 0) + 1);
        const providerMessageId = `msg-${(messageIds += 1)}`;
        if (entry.sendTag)
          sendEvents.push({ providerMessageId, tags: { [SEND_TAG_NAME]: [entry.sendTag] }, at: START.toISOString() });
        return { providerMessageId };
      });
      die('send_after_provider');
      return receipts;
    },
  };
  const gate = createSendGate({
    brand: TEST_BRAND,
    secrets: fixedSecrets(),
    directory,
    ledger,
    mailer,
    smsSender: { sendSms: () => Promise.reject(new Error('no SMS here')) },
    clock,
    sleep: async (ms) => clock.set(new Date(clock.now().getTime() + ms)),
  });
  const planDeps = { campaigns, audiences, queue, now: () => clock.now() };
  const sendDeps = {
    campaigns,
    queue,
    gate,
    pace: async () => true,
    ...(options.remainingMs ? { remainingMs: options.remainingMs, now: () => clock.now().getTime() } : {}),
  };
  let redeliveries = 0;
  // Every minute: the dispatcher ticks, visible messages are processed, SES events are handled.
  for (let minute = 0; minute < 60; minute += 1) {
    try {
      await dispatchDueCampaigns({ campaigns, queue, clock });
    } catch (error) {
      if (!(error instanceof KilledError)) throw error;
    }
    for (const work of queue.takeVisible()) {
      try {
        if (work.kind === 'plan') await planShard(planDeps, work);
        else await sendBatch(sendDeps, work);
      } catch (error) {
        if (!(error instanceof KilledError)) throw error;
        // Not deleted: SQS delivers it again once its visibility timeout (30 minutes) has passed.
        redeliveries += 1;
        await queue.enqueue([work], 30 * 60);
      }
    }
    for (const event of sendEvents.splice(0)) await recordProviderSend({ ledger: innerLedger }, event);
    if (queue.messages.length === 0 && (await store.unplannedRuns(new Date('2100-01-01'))).length === 0 && minute > 0) break;
    clock.set(new Date(clock.now().getTime() + Math.max(60, PLANNING_LEASE_SECONDS / 2) * 1000));
    // Nothing to do until the next message becomes visible: jump there.
    const next = Math.min(...queue.messages.map((message) => message.visibleAt));
    if (Number.isFinite(next) && next > clock.now().getTime()) clock.set(new Date(next));
  }
  const duplicates = [...accepted.values()].reduce((sum, count) => sum + count - 1, 0);
  const lost = RECIPIENTS - accepted.size;
  const counts = (await store.runs('camp-1'))[0]?.counts;
  return { duplicates, lost, killed, redeliveries, counts, bulkCalls: messageIds };
}

const KILL_POINTS: KillPoint[] = [
  'none',
  'dispatch_after_start',
  'plan_before_marked',
  'plan_after_marked',
  'plan_after_leftovers_claimed',
  'send_after_provider',
  'send_after_first_sent_write',
  'send_before_counts',
];

describe('a campaign run killed at each step', () => {
  it.each(KILL_POINTS)('reaches every recipient exactly once when killed at %s', async (kill) => {
    // Act
    const result = await runCampaign(kill);
    // Assert
    expect(result.killed).toBe(kill !== 'none');
    expect(result).toMatchObject({ duplicates: 0, lost: 0 });
    expect(result.counts?.targeted).toBe(RECIPIENTS);
    if (kill !== 'send_before_counts') expect(result.counts?.sent).toBe(RECIPIENTS);
  });

  it('hands every batch back rather than send with too little time left, and sends them in a later invocation', async () => {
    // Arrange: the first invocations have 10 s left, less than the margin a bulk call keeps.
    let invocations = 0;
    const remainingMs = () => (invocations++ < 3 ? 10_000 : 300_000);
    // Act
    const result = await runCampaign('none', { remainingMs });
    // Assert
    expect(result).toMatchObject({ duplicates: 0, lost: 0 });
    expect(result.counts?.sent).toBe(RECIPIENTS);
  });
});

describe('a campaign batch meeting a recipient claimed elsewhere', () => {
  it('re-queues that recipient after the lease instead of failing the batch toward the dead-letter queue', async () => {
    // Arrange: another sender holds a live claim on one recipient of the batch.
    const clock = new FakeClock(START);
    const directory = new InMemoryDirectory();
    for (const id of ['a', 'b']) {
      directory.recipients.set(id, {
        contactId: id,
        email: `${id}@example.com`,
        preferences: { 'email:newsletter': true },
        timeZone: 'America/New_York',
      });
    }
    const ledger = new InMemorySendLedger();
    const dedupeKey = (id: string) => `campaign#camp-1#run-1#email#${id}`;
    await ledger.claim(
      {
        dedupeKey: dedupeKey('a'),
        contactId: 'a',
        channel: 'email',
        category: 'newsletter',
        audience: 'contact',
        at: START.toISOString(),
      },
      60,
    );
    const store = new InMemoryCampaignStore();
    await store.create({
      name: 'N',
      category: 'newsletter',
      channels: ['email'],
      subject: 'S',
      text: 'T',
      schedule: { at: START.toISOString() },
      campaignId: 'camp-1',
      status: 'scheduled',
      createdBy: 'm',
      createdAt: START.toISOString(),
    });
    store.runCounts.set('camp-1#run-1', { ...EMPTY_RUN_COUNTS, targeted: 2 });
    const queue = new SimulatedQueue(clock);
    const sent: string[] = [];
    const gate = createSendGate({
      brand: TEST_BRAND,
      secrets: fixedSecrets(),
      directory,
      ledger,
      mailer: {
        sendEmail: () => Promise.reject(new Error('bulk only')),
        sendBulk: async (_template, entries) => entries.map((entry) => (sent.push(entry.to), { providerMessageId: entry.to })),
      },
      smsSender: { sendSms: () => Promise.reject(new Error('no SMS')) },
      clock,
    });
    // Act
    await sendBatch(
      { campaigns: store, queue, gate, pace: async () => true },
      { kind: 'send', campaignId: 'camp-1', runId: 'run-1', channel: 'email', contactIds: ['a', 'b'] },
    );
    // Assert
    expect(sent).toEqual(['b@example.com']);
    expect(queue.messages).toEqual([
      {
        work: { kind: 'send', campaignId: 'camp-1', runId: 'run-1', channel: 'email', contactIds: ['a'] },
        visibleAt: START.getTime() + 65_000,
      },
    ]);
    expect((await store.runs('camp-1'))[0]?.counts).toMatchObject({ sent: 1, failed: 0 });
  });
});
