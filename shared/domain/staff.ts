/** Staff roles, from the Cognito groups of the same names (SPEC §4). */
export const STAFF_ROLES = ['admin', 'sales', 'support', 'marketing', 'privacy', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The authenticated staff member behind an admin request. */
export interface StaffIdentity {
  sub: string;
  email?: string;
  roles: StaffRole[];
}

/**
 * Reads `cognito:groups` as API Gateway's Cognito authorizer passes it: a string that is either
 * comma-separated (`admin,sales`) or bracketed with spaces (`[admin sales]`), or a JSON array.
 */
export function rolesFromGroupsClaim(claim: unknown): StaffRole[] {
  const names = Array.isArray(claim)
    ? claim.map(String)
    : typeof claim === 'string'
      ? claim.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return STAFF_ROLES.filter((role) => names.includes(role));
}
