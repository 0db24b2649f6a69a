import { SignJWT, jwtVerify } from 'jose';
import { STAFF_ROLES } from '../shared/domain/staff.js';

const ISSUER = 'forecourt-local';
const AUDIENCE = 'forecourt-admin';

/** The claims the local gateway passes on, shaped as API Gateway's Cognito authorizer passes them. */
export type CognitoClaims = Record<string, string>;

/**
 * Local stand-in for Cognito: issues and verifies HS256 staff tokens. In AWS the Cognito authorizer
 * does the verifying and the handlers see only the claims; locally the gateway does it.
 */
export class LocalStaffTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Issues a token for a staff member in the given groups, valid for 12 hours. */
  issue(input: { sub: string; email?: string; groups: string[] }): Promise<string> {
    const unknown = input.groups.filter((group) => !(STAFF_ROLES as readonly string[]).includes(group));
    if (unknown.length > 0) throw new Error(`Unknown groups: ${unknown.join(', ')}`);
    return new SignJWT({ 'cognito:groups': input.groups, token_use: 'id', ...(input.email ? { email: input.email } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(input.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(this.key);
  }

  /** Verifies a bearer token and returns its claims as strings, or undefined when it does not verify. */
  async verify(token: string): Promise<CognitoClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const groups = Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'].map(String) : [];
      return {
        sub: String(payload.sub),
        ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
        // API Gateway's Cognito authorizer hands groups over as one comma-separated string.
        'cognito:groups': groups.join(','),
        token_use: 'id',
        iss: ISSUER,
      };
    } catch {
      return undefined;
    }
  }
}
