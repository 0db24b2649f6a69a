import type { SecretsSource } from '../../ports/secrets.js';
import { LinkNotValidError } from '../errors.js';
import { InvalidTokenError, verifyToken } from '../tokens.js';
import type { TokenClaims, TokenPurpose } from '../tokens.js';

/**
 * Verifies a link token for one purpose; any failure is a 401 that changes nothing. An expired
 * link, or one of an older format, asks for the link in a newer message.
 */
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
    if (error instanceof InvalidTokenError) throw linkError(error);
    throw error;
  }
}

/** The 401 a link token's failure becomes. */
export function linkError(error: InvalidTokenError): LinkNotValidError {
  return new LinkNotValidError(error.reason === 'expired' || error.reason === 'outdated', { cause: error });
}
