import { parseAppSecret } from '../../domain/app-secrets.js';
import type { AppSecrets, SecretsSource } from '../../ports/secrets.js';

/** The extension's default port (AWS Parameters and Secrets Lambda Extension). */
const DEFAULT_PORT = '2773';

/** The secret could not be read from the extension. */
export class SecretReadError extends Error {
  constructor(status: number) {
    super(`The secrets extension answered ${status}`);
    this.name = 'SecretReadError';
  }
}

/**
 * Reads the application secret through the AWS Parameters and Secrets Lambda Extension: a local
 * HTTP call with the function's session token, cached by the extension, and no Secrets Manager
 * SDK client in the bundle. Locally the stack's stand-in answers on the same path.
 * The value is kept per sandbox and refreshed after `maxAgeMs`, so a rotated key reaches warm functions.
 */
export class ExtensionSecretsSource implements SecretsSource {
  private cached: { value: Promise<AppSecrets>; loadedAt: number } | undefined;

  constructor(
    private readonly secretId: string,
    private readonly env: Record<string, string | undefined> = process.env,
    private readonly maxAgeMs = 5 * 60 * 1000,
  ) {}

  getSecrets(): Promise<AppSecrets> {
    const now = Date.now();
    if (!this.cached || now - this.cached.loadedAt > this.maxAgeMs) {
      const value = this.read();
      value.catch(() => {
        this.cached = undefined;
      });
      this.cached = { value, loadedAt: now };
    }
    return this.cached.value;
  }

  private async read(): Promise<AppSecrets> {
    const port = this.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? DEFAULT_PORT;
    const response = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(this.secretId)}`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': this.env.AWS_SESSION_TOKEN ?? '' },
    });
    if (!response.ok) throw new SecretReadError(response.status);
    const { SecretString } = (await response.json()) as { SecretString?: string };
    return parseAppSecret(SecretString ?? '');
  }
}

let shared: ExtensionSecretsSource | undefined;

/** The process's one secrets source, so every port shares one cached read. */
export function secretsSource(config: { SECRET_ID: string }): ExtensionSecretsSource {
  shared ??= new ExtensionSecretsSource(config.SECRET_ID);
  return shared;
}
