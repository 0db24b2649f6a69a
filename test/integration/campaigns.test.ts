import { describe, expect, it } from '@jest/globals';
import { apiUrl, confirmEmailOptIn, drainOutbox, mail, postJson, staffToken, uniqueEmail } from './local-stack.js';

interface CampaignResponse {
  campaignId: string;
  status: string;
  nextRunAt?: string;
  runs?: { runId: string; counts: Record<string, number> }[];
}

const admin = async (method: string, path: string, body?: unknown, groups = ['marketing']) =>
  fetch(`${apiUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${await staffToken(groups)}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const dispatchAt = async (time: string) =>
  (
    await fetch(`${apiUrl()}/_local/jobs/campaign-dispatch`, { method: 'POST', body: JSON.stringify({ time }) })
  ).json() as Promise<{
    result: { started: string[] };
  }>;

/** A contact from an inquiry form; with consent, the owner also confirms it from the acknowledgement's link. */
async function contact(label: string, consent: boolean) {
  const email = uniqueEmail(label);
  expect((await postJson('/inquiries', { name: label, email, consent: { email: consent, sms: false } })).status).toBe(201);
  await drainOutbox();
  if (consent) expect(await confirmEmailOptIn(email)).toBe(200);
  const text = (await mail()).find((message) => message.destination.to.includes(email))?.body.text ?? '';
  return { email, preferences: /\/preferences\?token=(\S+)/.exec(text)?.[1] ?? '' };
}

const received = async (email: string, subject: string) =>
  (await mail()).filter((message) => message.destination.to.includes(email) && message.subject === subject);

const NEWSLETTER = {
  name: 'Monthly newsletter',
  category: 'newsletter',
  channels: ['email'],
  subject: `Newsletter ${Date.now()}`,
  text: 'Three new features for your lot this month.',
  schedule: { cron: '0 10 1 * *', timezone: 'America/New_York' },
};

describe('campaigns through the local stack', () => {
  it('sends a monthly newsletter to opted-in contacts only, once each, with footer and one-click headers', async () => {
    // Arrange: one opted in, one who left the newsletter, one suppressed, one who never opted in
    const subscriber = await contact('subscriber', true);
    const leaver = await contact('leaver', true);
    await fetch(`${apiUrl()}/preferences?token=${leaver.preferences}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: { newsletter: false } }),
    });
    const bounced = await contact('bounced', true);
    await fetch(`${apiUrl()}/_local/ses/events`, {
      method: 'POST',
      body: JSON.stringify({ type: 'bounce', email: bounced.email }),
    });
    const bystander = await contact('bystander', false);
    await drainOutbox();

    // Act: marketing schedules it; the scheduler ticks at its first run, twice at once
    const created = await admin('POST', '/admin/campaigns', NEWSLETTER);
    expect(created.status).toBe(201);
    const campaign = (await created.json()) as CampaignResponse;
    expect(campaign.nextRunAt).toMatch(/T1[45]:00:00.000Z$/);
    const ticks = await Promise.all([dispatchAt(campaign.nextRunAt ?? ''), dispatchAt(campaign.nextRunAt ?? '')]);
    await dispatchAt(campaign.nextRunAt ?? '');

    // Assert
    // Other files' campaigns (a significant policy change's notice) may fall due at the same tick.
    const ours = ticks.flatMap((tick) => tick.result.started).filter((run) => run.startsWith(`${campaign.campaignId}@`));
    expect(ours).toHaveLength(1);
    const [email] = await received(subscriber.email, NEWSLETTER.subject);
    expect(await received(subscriber.email, NEWSLETTER.subject)).toHaveLength(1);
    expect(email?.headers).toEqual(
      expect.arrayContaining([
        { name: 'List-Unsubscribe', value: expect.stringMatching(/^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?token=v1\.[^>]+>$/) },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]),
    );
    expect(email?.body.text).toContain('100 Example Way');
    expect(email?.body.text).toContain('Unsubscribe from our newsletter: http');
    for (const nobody of [leaver, bounced, bystander]) expect(await received(nobody.email, NEWSLETTER.subject)).toEqual([]);

    const progress = (await (await admin('GET', `/admin/campaigns/${campaign.campaignId}`)).json()) as CampaignResponse;
    expect(progress.runs).toHaveLength(1);
    expect(progress.runs?.[0]?.counts.sent).toBeGreaterThanOrEqual(1);
    expect(progress.runs?.[0]?.counts.skippedSuppressed).toBeGreaterThanOrEqual(0);
    expect(progress.nextRunAt).not.toBe(campaign.nextRunAt);

    // The one-click header of the newsletter withdraws the newsletter, and the next run skips them.
    const unsubscribe =
      /<([^>]+)>/.exec(email?.headers.find((header) => header.name === 'List-Unsubscribe')?.value ?? '')?.[1] ?? '';
    expect(
      (
        await fetch(unsubscribe, {
          method: 'POST',
          body: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(200);
    await dispatchAt(progress.nextRunAt ?? '');
    expect(await received(subscriber.email, NEWSLETTER.subject)).toHaveLength(1);
  }, 120_000);

  it('sends a one-off service notice to every reachable contact but not to the suppressed', async () => {
    const optedOut = await contact('service-no-topics', false);
    const suppressed = await contact('service-suppressed', true);
    await fetch(`${apiUrl()}/_local/ses/events`, {
      method: 'POST',
      body: JSON.stringify({ type: 'complaint', email: suppressed.email }),
    });
    const subject = `Service change ${Date.now()}`;
    const at = new Date(Date.now() + 60_000).toISOString();
    const created = await admin('POST', '/admin/campaigns', {
      ...NEWSLETTER,
      name: 'Notice',
      category: 'service_notice',
      subject,
      schedule: { at },
    });
    expect(created.status).toBe(201);
    await dispatchAt(at);
    const [notice] = await received(optedOut.email, subject);
    expect(notice?.body.text).toContain('Unsubscribe from all email');
    expect(await received(suppressed.email, subject)).toEqual([]);
  }, 120_000);

  it('retries a run whose SES bulk call is throttled, and still sends each recipient one email', async () => {
    // Arrange
    const subscriber = await contact('throttled', true);
    const subject = `Throttled ${Date.now()}`;
    const at = new Date(Date.now() + 60_000).toISOString();
    await admin('POST', '/admin/campaigns', { ...NEWSLETTER, subject, schedule: { at } });
    // Act: SES refuses more calls than the SDK retries by itself; the queue redelivers the batch
    await fetch(`${apiUrl()}/_local/faults`, { method: 'POST', body: JSON.stringify({ email: 4 }) });
    await dispatchAt(at);
    await fetch(`${apiUrl()}/_local/faults`, { method: 'POST', body: JSON.stringify({}) });
    // Assert
    expect(await received(subscriber.email, subject)).toHaveLength(1);
  }, 120_000);

  it('sends nothing for a cancelled campaign', async () => {
    const subscriber = await contact('cancel', true);
    const subject = `Cancelled ${Date.now()}`;
    const at = new Date(Date.now() + 60_000).toISOString();
    const { campaignId } = (await (
      await admin('POST', '/admin/campaigns', { ...NEWSLETTER, subject, schedule: { at } })
    ).json()) as CampaignResponse;
    const cancelled = await admin('POST', `/admin/campaigns/${campaignId}/cancel`);
    expect(((await cancelled.json()) as CampaignResponse).status).toBe('cancelled');
    await dispatchAt(at);
    expect(await received(subscriber.email, subject)).toEqual([]);
  });

  it.each([
    ['an unknown category', { ...NEWSLETTER, category: 'gossip' }, 'category'],
    ['an SMS that does not fit three segments', { ...NEWSLETTER, channels: ['email', 'sms'], sms: 'x'.repeat(500) }, 'sms'],
    ['an SMS campaign without SMS text', { ...NEWSLETTER, channels: ['sms'] }, 'sms'],
    ['a bad cron expression', { ...NEWSLETTER, schedule: { cron: 'every day', timezone: 'America/New_York' } }, 'schedule'],
    ['a time in the past', { ...NEWSLETTER, schedule: { at: '2020-01-01T00:00:00Z' } }, 'schedule.at'],
    ['template braces in the content', { ...NEWSLETTER, text: 'Hi {{name}}' }, 'text'],
  ])('400 for %s, naming what is wrong', async (_, body, path) => {
    const response = await admin('POST', '/admin/campaigns', body);
    expect(response.status).toBe(400);
    const details = ((await response.json()) as { error: { details: { path: string }[] } }).error.details;
    expect(details.some((detail) => detail.path.startsWith(path))).toBe(true);
  });

  it('lets only marketing and admin manage campaigns', async () => {
    expect((await admin('POST', '/admin/campaigns', NEWSLETTER, ['sales'])).status).toBe(403);
    expect((await admin('GET', '/admin/campaigns/none', undefined, ['admin'])).status).toBe(404);
  });
});
