import { describe, expect, it } from '@jest/globals';
import { STAFF_ROLES } from '../../shared/domain/staff.js';
import { HTTP_ROUTES, routeOf, routeRoles } from '../../shared/routes.js';
import type { HttpRoute } from '../../shared/routes.js';

describe('the route table', () => {
  it('puts every /admin route behind staff access and nothing else', () => {
    const misplaced = HTTP_ROUTES.filter((route) => route.path.startsWith('/admin/') !== (route.access === 'staff'));

    expect(misplaced).toEqual([]);
  });

  it('lets admin do everything (SPEC §4)', () => {
    const withoutAdmin = HTTP_ROUTES.filter((route) => route.access === 'staff' && !route.roles.includes('admin'));

    expect(withoutAdmin).toEqual([]);
  });

  it('names only known roles', () => {
    const roles = HTTP_ROUTES.flatMap((route) => (route.access === 'staff' ? route.roles : []));

    expect(roles.filter((role) => !(STAFF_ROLES as readonly string[]).includes(role))).toEqual([]);
  });

  it('refuses a staff route without roles, naming it', () => {
    const bypassed = { method: 'GET', path: '/admin/x', entry: 'x.ts', access: 'staff', roles: [] } as unknown as HttpRoute;

    expect(() => routeRoles(bypassed)).toThrow('Staff route GET /admin/x declares no roles');
  });

  it('finds a route by method and resource path, and nothing for an unknown one', () => {
    expect(routeOf('GET', '/admin/campaigns/{id}')?.entry).toBe('functions/admin/campaigns.ts');
    expect(routeOf('DELETE', '/admin/campaigns/{id}')).toBeUndefined();
  });

  it('has one route per method and path', () => {
    const keys = HTTP_ROUTES.map((route) => `${route.method} ${route.path}`);

    expect(keys.length).toBe(new Set(keys).size);
  });
});
