import type { MiddlewareObj } from '@middy/core';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';
import { rolesFromGroupsClaim } from '../domain/staff.js';
import type { StaffIdentity, StaffRole } from '../domain/staff.js';
import type { HttpEvent, HttpResult } from './types.js';

/** An admin request after `requireRole`: the staff member is known. */
export interface StaffEvent extends HttpEvent {
  staff: StaffIdentity;
}

/**
 * Reads the claims that API Gateway's Cognito authorizer (or, locally, the gateway's JWT check)
 * put on the request, and lets through only the given roles: 401 without claims, 403 otherwise.
 */
export function requireRole(allowed: readonly StaffRole[]): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: (request) => {
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
