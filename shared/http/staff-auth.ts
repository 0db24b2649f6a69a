import type { MiddlewareObj } from '@middy/core';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';
import { rolesFromGroupsClaim } from '../domain/staff.js';
import type { StaffIdentity } from '../domain/staff.js';
import { routeOf, routeRoles } from '../routes.js';
import type { HttpEvent, HttpResult } from './types.js';

/** An admin request after `routeAccess`: the staff member is known. */
export interface StaffEvent extends HttpEvent {
  staff: StaffIdentity;
}

/**
 * Enforces the route table's access for the route a request arrived on (`httpMethod` and
 * `resource`): a public route passes; a staff route needs the claims that API Gateway's Cognito
 * authorizer (or, locally, the gateway's JWT check) put on the request, 401 without them, and one
 * of the route's roles, 403 otherwise. A request on a route the table does not hold is refused:
 * the table is the one source of roles, so a handler can never be reached around it.
 */
export function routeAccess(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: (request) => {
      const { httpMethod, resource } = request.event;
      const route = routeOf(httpMethod, resource);
      if (!route) throw new Error(`No route in the table for ${httpMethod} ${resource}`);
      if (route.access === 'public') return;
      const allowed = routeRoles(route);
      const claims = request.event.requestContext.authorizer?.claims as Record<string, unknown> | undefined;
      const sub = claims?.sub;
      if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError();
      const roles = rolesFromGroupsClaim(claims?.['cognito:groups']);
      if (!roles.some((role) => allowed.includes(role))) throw new ForbiddenError();
      const staff: StaffIdentity = { sub, roles, ...(typeof claims?.email === 'string' ? { email: claims.email } : {}) };
      Object.assign(request.event, { staff });
    },
  };
}
