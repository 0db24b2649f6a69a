import type { SecretsSource } from '../../ports/secrets.js';
import { LinkNotValidError } from '../errors.js';
import { InvalidTokenError, verifyToken } from '../tokens.js';
import type { TokenClaims, TokenPurpose } from '../tokens.js';

/** Verifies a link token for one purpose; any failure is a 401 that changes nothing. */
export async function verifyLink<P extends TokenPurpose>(
  secrets: SecretsSource,
  token: string | undefined,
  purpose: P,
  nowMs: number,
): Promise<Extract<TokenClaims, { purpose: P }>> {
  if (!token) throw new LinkNotValidError(false);
  const { keyring } = await secrets.getSecrets();
  try {
    return verifyToken(keyring, token, purpose, nowMs);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new LinkNotValidError(error.reason === 'expired', { cause: error });
    throw error;
  }
}
