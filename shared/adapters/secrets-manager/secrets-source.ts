import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AppSecrets, SecretsSource } from '../../ports/secrets.js';

/** The one Secrets Manager client of a process; locally `AWS_ENDPOINT_URL_SECRETS_MANAGER` points it at the stand-in. */
export const secretsManagerClient = new SecretsManagerClient({});

function parseSecrets(text: string): AppSecrets {
  const value = JSON.parse(text) as Partial<AppSecrets>;
  const keyring = value.keyring;
  if (!keyring || typeof keyring.current !== 'string' || !keyring.keys?.[keyring.current] || typeof value.addressSalt !== 'string') {
    throw new Error('The application secret lacks keyring.current, its key, or addressSalt');
  }
  return { keyring, addressSalt: value.addressSalt };
}

/**
 * Reads the application secret once per sandbox and keeps it, refreshing after `maxAgeMs` so that
 * a rotated key reaches warm functions.
 */
export class SecretsManagerSource implements SecretsSource {
  private cached: { value: Promise<AppSecrets>; loadedAt: number } | undefined;

  constructor(
    private readonly secretId: string,
    private readonly client: SecretsManagerClient = secretsManagerClient,
    private readonly maxAgeMs = 15 * 60 * 1000,
  ) {}

  getSecrets(): Promise<AppSecrets> {
    const now = Date.now();
    if (!this.cached || now - this.cached.loadedAt > this.maxAgeMs) {
      const value = this.client
        .send(new GetSecretValueCommand({ SecretId: this.secretId }))
        .then((result) => parseSecrets(result.SecretString ?? ''));
      value.catch(() => {
        this.cached = undefined;
      });
      this.cached = { value, loadedAt: now };
    }
    return this.cached.value;
  }
}
