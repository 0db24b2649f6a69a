import { describe, expect, it } from '@jest/globals';
import { STAFF_ROLES } from '../../shared/domain/staff.js';
import { HTTP_ROUTES } from '../../shared/routes.js';
import {
  apiUrl,
  contactIdOfInquiry,
  drainOutbox,
  mail,
  postJson,
  randomClientIp,
  staffToken,
  tableItems,
  uniqueEmail,
} from './local-stack.js';

/** A request a listed role can make successfully on one route: its concrete path and body. */
interface SampleRequest {
  path: string;
  body?: unknown;
}

const campaign = {
  name: 'Role matrix',
  category: 'newsletter',
  channels: ['email'],
  subject: 'Role matrix',
  text: 'Nothing to see.',
  schedule: { at: '2099-01-01T10:00:00.000Z' },
};

async function asStaff(method: string, path: string, groups: readonly string[], body?: unknown): Promise<Response> {
  return fetch(`${apiUrl()}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await staffToken([...groups], `role-matrix-${groups.join('-') || 'none'}`)}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A fresh contact for each erasure call, from a new inquiry. */
async function newContactId(): Promise<string> {
  const created = await postJson('/inquiries', { name: 'Role Matrix', email: uniqueEmail('role-matrix') });
  return contactIdOfInquiry(((await created.json()) as { inquiryId: string }).inquiryId);
}

async function newCampaignId(): Promise<string> {
  const created = await asStaff('POST', '/admin/campaigns', ['admin'], campaign);
  return ((await created.json()) as { campaignId: string }).campaignId;
}

/** A verified correction request, as its person leaves it after pressing Confirm: its id. */
async function newVerifiedPrivacyRequestId(): Promise<string> {
  const email = uniqueEmail('role-matrix-privacy');
  await postJson('/inquiries', { name: 'Role Matrix', email }, { 'X-Forwarded-For': randomClientIp() });
  await postJson(
    '/privacy-requests',
    { type: 'correction', email, details: 'Fix my name' },
    { 'X-Forwarded-For': randomClientIp() },
  );
  await drainOutbox();
  const text = (await mail()).find(
    (message) => message.destination.to.includes(email) && message.subject.includes('privacy request'),
  )?.body.text;
  const token = /\/privacy-requests\/confirm\?token=(\S+)/.exec(text ?? '')?.[1] ?? '';
  await fetch(`${apiUrl()}/privacy-requests/confirm?token=${token}`, { method: 'POST' });
  const request = (await tableItems()).find((item) => item.entity === 'privacy_request' && item.email === email);
  return String(request?.requestId);
}

/**
 * One valid request per staff route, made fresh for each call (a cancel needs a campaign still
 * scheduled). A staff route without a sample fails the test below: a new route is not done until
 * its roles are proven here.
 */
const SAMPLES: Record<string, () => Promise<SampleRequest>> = {
  'GET /admin/recipients': async () => ({ path: '/admin/recipients' }),
  'GET /admin/inquiries': async () => ({ path: '/admin/inquiries' }),
  'GET /admin/support-requests': async () => ({ path: '/admin/support-requests' }),
  'GET /admin/analytics': async () => ({ path: '/admin/analytics?from=2026-01-01&to=2026-01-07' }),
  'POST /admin/campaigns': async () => ({ path: '/admin/campaigns', body: campaign }),
  'GET /admin/campaigns/{id}': async () => ({ path: `/admin/campaigns/${await newCampaignId()}` }),
  'POST /admin/campaigns/{id}/cancel': async () => ({ path: `/admin/campaigns/${await newCampaignId()}/cancel` }),
  'DELETE /admin/contacts/{id}': async () => ({ path: `/admin/contacts/${await newContactId()}` }),
  'POST /admin/policy-versions': async () => ({
    path: '/admin/policy-versions',
    body: {
      version: `role-matrix-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      effectiveAt: '2099-06-01T00:00:00.000Z',
      summary: 'A version no test puts in force.',
      url: 'https://example.com/privacy',
      significant: false,
    },
  }),
  'GET /admin/contacts': async () => ({ path: '/admin/contacts?limit=1' }),
  'GET /admin/contacts/{id}': async () => ({ path: `/admin/contacts/${await newContactId()}` }),
  'PATCH /admin/contacts/{id}': async () => ({
    path: `/admin/contacts/${await newContactId()}`,
    body: { companyName: 'Role Matrix Motors' },
  }),
  'POST /admin/contacts/{id}/consent': async () => ({
    path: `/admin/contacts/${await newContactId()}/consent`,
    body: { channel: 'email', action: 'withdraw', topics: ['newsletter'], reason: 'role matrix' },
  }),
  'GET /admin/contacts/{id}/export': async () => ({ path: `/admin/contacts/${await newContactId()}/export` }),
  'GET /admin/audit': async () => ({ path: '/admin/audit?actor=role-matrix-admin' }),
  'GET /admin/privacy-requests': async () => ({ path: '/admin/privacy-requests?status=verified' }),
  'POST /admin/privacy-requests/{id}/complete': async () => ({
    path: `/admin/privacy-requests/${await newVerifiedPrivacyRequestId()}/complete`,
    body: { note: 'Done.' },
  }),
  'POST /admin/privacy-requests/{id}/extend': async () => ({
    path: `/admin/privacy-requests/${await newVerifiedPrivacyRequestId()}/extend`,
    body: { reason: 'We need to check with the dealership.' },
  }),
};

const statusClass = (status: number) => (status >= 200 && status < 300 ? '2xx' : String(status));

const STAFF_ROUTES = HTTP_ROUTES.flatMap((route) => (route.access === 'staff' ? [route] : []));

describe('staff routes take their roles from the route table', () => {
  it('has a sample request for every staff route', () => {
    expect(STAFF_ROUTES.map((route) => `${route.method} ${route.path}`).filter((key) => !SAMPLES[key])).toEqual([]);
  });

  describe.each(STAFF_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (key, route) => {
    it('answers 401 without a token and 401 with a forged one', async () => {
      const sample = await SAMPLES[key]!();

      const [missing, forged] = await Promise.all([
        fetch(`${apiUrl()}${sample.path}`, { method: route.method, headers: { 'content-type': 'application/json' } }),
        fetch(`${apiUrl()}${sample.path}`, {
          method: route.method,
          headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'content-type': 'application/json' },
        }),
      ]);

      expect([missing.status, forged.status]).toEqual([401, 401]);
    });

    it.each(STAFF_ROLES.map((role) => [role, route.roles.includes(role)] as const))(
      'role %s: allowed %s',
      async (role, allowed) => {
        const sample = await SAMPLES[key]!();

        const response = await asStaff(route.method, sample.path, [role], sample.body);

        expect(statusClass(response.status)).toBe(allowed ? '2xx' : '403');
      },
    );

    it('answers 403 to a token with no staff group', async () => {
      const sample = await SAMPLES[key]!();

      const response = await asStaff(route.method, sample.path, [], sample.body);

      expect(response.status).toBe(403);
    });
  });
});
