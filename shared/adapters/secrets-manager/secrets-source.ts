import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseAppSecret } from '../../domain/app-secrets.js';
import type { AppSecrets, SecretsSource } from '../../ports/secrets.js';

/** The one Secrets Manager client of a process; locally `AWS_ENDPOINT_URL_SECRETS_MANAGER` points it at the stand-in. */
export const secretsManagerClient = new SecretsManagerClient({});

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
        .then((result) => parseAppSecret(result.SecretString ?? ''));
      value.catch(() => {
        this.cached = undefined;
      });
      this.cached = { value, loadedAt: now };
    }
    return this.cached.value;
  }
}

let shared: SecretsManagerSource | undefined;

/** The process's one secrets source for `secretId`, so every port shares one cached read. */
export function secretsSource(config: { SECRET_ID: string }): SecretsManagerSource {
  shared ??= new SecretsManagerSource(config.SECRET_ID);
  return shared;
}
