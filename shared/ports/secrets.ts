import type { Keyring } from '../domain/tokens.js';

/**
 * The application secrets: the token keyring and the salt that turns addresses into lookup and
 * suppression keys. The salt never rotates, so suppression keys outlive erasure and key rotation.
 */
export interface AppSecrets {
  keyring: Keyring;
  addressSalt: string;
}

/** Where the secrets come from (Secrets Manager in AWS and, through its local stand-in, locally). */
export interface SecretsSource {
  getSecrets(): Promise<AppSecrets>;
}
