import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { POLICY_CACHE_SECONDS } from '../../shared/domain/policy/policy-version.js';
import {
  apiUrl,
  confirmEmailOptIn,
  contactIdOfInquiry,
  drainOutbox,
  mail,
  policyInForce,
  postJson,
  staffToken,
  tableItems,
  uniqueEmail,
} from './local-stack.js';

const addVersion = async (body: unknown, groups = ['admin']) =>
  fetch(`${apiUrl()}/admin/policy-versions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await staffToken(groups)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const version = (name: string, effectiveAt: Date) => ({
  version: name,
  effectiveAt: effectiveAt.toISOString(),
  summary: 'We now keep inquiries for 3 years.',
  url: 'https://forecourt.example/privacy-policy/v2',
  significant: true,
});

describe('privacy-policy versions', () => {
  it('GET /policy answers the version in force', async () => {
    const response = await fetch(`${apiUrl()}/policy`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      version: expect.any(String),
      effectiveAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      summary: expect.any(String),
      url: expect.stringMatching(/^https?:\/\//),
    });
  });

  it('lets only admins add a version', async () => {
    const response = await addVersion(version(`v-${Date.now()}`, new Date()), ['marketing']);
    expect(response.status).toBe(403);
  });

  it.each([
    [
      'a missing summary',
      { version: 'x1', effectiveAt: '2027-01-01T00:00:00Z', url: 'https://x.test', significant: false },
      'summary',
    ],
    ['a bad date', { ...version('x2', new Date()), effectiveAt: 'next tuesday' }, 'effectiveAt'],
    ['an unknown field', { ...version('x3', new Date()), notify: 'everyone' }, 'notify'],
  ])('400 for %s', async (_, body, path) => {
    const response = await addVersion(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).toContain(
      path,
    );
  });

  it('400 for a version that would take effect before every function has seen it', async () => {
    // Arrange: sooner than the functions' policy cache lifetime, and in the past
    const soon = version(`soon-${Date.now()}`, new Date(Date.now() + 1000));
    const past = version(`past-${Date.now()}`, new Date(Date.now() - 1000));
    // Act
    const responses = [await addVersion(soon), await addVersion(past)];
    // Assert
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).toEqual([
        'effectiveAt',
      ]);
    }
  });

  it('makes a new version current once effective, names it in new consent records, and refuses it twice', async () => {
    // Arrange: GET /policy and the consent pages run in their own instances (SPEC §5), and have
    // cached the version in force before the new one is stored, as separate Lambdas would.
    const name = `2026-v${Date.now()}`;
    const future = `${name}-future`;
    const effectiveAt = new Date(Date.now() + POLICY_CACHE_SECONDS * 1000 + 2000);
    const before = await policyInForce();
    // Act
    const added = await addVersion(version(name, effectiveAt));
    const again = await addVersion(version(name, new Date(effectiveAt.getTime() + 500)));
    await addVersion(version(future, new Date(Date.now() + 86_400_000)));
    const beforeEffect = await policyInForce();
    await sleep(effectiveAt.getTime() - Date.now());
    const email = uniqueEmail('policy');
    const receipt = (await (
      await postJson('/inquiries', { name: 'Policy Reader', email, consent: { email: true, sms: false } })
    ).json()) as { inquiryId: string };
    expect(receipt).toEqual({ inquiryId: expect.any(String) });
    const contactId = await contactIdOfInquiry(receipt.inquiryId);
    // The owner confirms the ticked box through the acknowledgement's link: that writes the consent record.
    expect(await confirmEmailOptIn(email)).toBe(200);
    await drainOutbox();
    // Assert
    expect(added.status).toBe(201);
    expect(again.status).toBe(409);
    // A significant change schedules the service notice to every reachable contact.
    const { noticeCampaignId, noticeAt } = (await added.json()) as { noticeCampaignId: string; noticeAt: string };
    await fetch(`${apiUrl()}/_local/jobs/campaign-dispatch`, { method: 'POST', body: JSON.stringify({ time: noticeAt }) });
    const notices = (await mail()).filter((message) => message.destination.to.includes(email) && message.subject.includes(name));
    expect(noticeCampaignId).toBeTruthy();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body.text).toContain('https://forecourt.example/privacy-policy/v2');
    expect(beforeEffect).toBe(before);
    expect(await policyInForce()).toBe(name);
    const consent = (await tableItems()).filter((item) => item.entity === 'consent' && item.contactId === contactId);
    expect(consent.length).toBeGreaterThan(0);
    expect(consent.map((item) => item.policyVersion)).toEqual(consent.map(() => name));
  });
});
