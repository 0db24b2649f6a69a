import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HTTP_ROUTES, LOCAL_PAGE_ROUTES } from '../../shared/routes.js';
import type { HttpRoute, RouteReturns } from '../../shared/routes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const KINDS: readonly RouteReturns[] = ['no_personal_data', 'one_contact', 'contacts_audited_per_item'];
const ROUTES: readonly HttpRoute[] = [...HTTP_ROUTES, ...LOCAL_PAGE_ROUTES];
const key = (route: HttpRoute) => `${route.method} ${route.path}`;
const source = (route: HttpRoute) => readFileSync(join(ROOT, route.entry), 'utf8');

/**
 * SPEC §2 "No sale, trade or bulk transfer": no answer holds several contacts' unmasked data
 * unless each one is audited before it leaves. The route table declares what each answer may
 * hold; these checks keep the declarations honest, and the integration suite
 * (`test/integration/disclosures.test.ts`) checks samples through real HTTP.
 */
describe('no route exports personal data in bulk', () => {
  it('declares, on every route, what one answer may hold', () => {
    expect(ROUTES.filter((route) => !KINDS.includes(route.returns)).map(key)).toEqual([]);
  });

  it('lets only staff GET routes list several contacts, and only the audited staff lists', () => {
    const lists = ROUTES.filter((route) => route.returns === 'contacts_audited_per_item');

    expect(lists.map(key).sort()).toEqual([
      'GET /admin/contacts',
      'GET /admin/inquiries',
      'GET /admin/privacy-requests',
      'GET /admin/support-requests',
    ]);
    expect(lists.every((route) => route.method === 'GET' && route.access === 'staff')).toBe(true);
  });

  it.each(
    ROUTES.filter((route) => route.access === 'staff' && route.returns !== 'no_personal_data').map(
      (route) => [key(route), route] as [string, HttpRoute],
    ),
  )('%s: audits what it shows, and may write the audit entry', (_name, route) => {
    // The handler writes through the audit log, and its function may write to the table.
    expect(source(route)).toContain('DynamoDbAuditLog');
    expect(route.aws?.table?.some((action) => ['PutItem', 'BatchWriteItem'].includes(action))).toBe(true);
  });

  it.each(
    ROUTES.filter((route) => route.access === 'public' && route.returns !== 'no_personal_data').map(
      (route) => [key(route), route] as [string, HttpRoute],
    ),
  )('%s: a public route that shows a contact answers only the holder of a signed link', (_name, route) => {
    expect(source(route)).toMatch(/token/i);
  });

  it('finds no export route but the one contact export (no /export of a list, no bulk download)', () => {
    const exports = ROUTES.filter((route) => /export|download|dump|bulk/i.test(route.path));

    expect(exports.map((route) => `${key(route)} → ${route.returns}`)).toEqual([
      'GET /admin/contacts/{id}/export → one_contact',
      // A verified access request's own export, behind a signed link to one address.
      'GET /privacy-requests/export → one_contact',
    ]);
  });
});
