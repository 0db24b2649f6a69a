import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { LinkNotValidError } from '../../shared/domain/errors.js';
import { InvalidTokenError, issueToken, verifyShortPreferencesCode } from '../../shared/domain/tokens.js';
import { httpHandler } from '../../shared/http/handler.js';
import { seeOther } from '../../shared/http/responses.js';

const config = runtimeConfig();
const secrets = secretsSource(config);

/**
 * `GET /p/{code}`: the short preferences link of a text message. It verifies the code and
 * redirects to the preference center with a fresh full token; it changes nothing itself.
 */
export const handler = httpHandler(
  async (event) => {
    const { keyring } = await secrets.getSecrets();
    const now = Date.now();
    let contactId: string;
    try {
      ({ contactId } = verifyShortPreferencesCode(keyring, event.pathParameters?.code ?? '', now));
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new LinkNotValidError(error.reason === 'expired', { cause: error });
      throw error;
    }
    const token = issueToken(keyring, contactId, { purpose: 'preferences' }, now);
    const location = `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/preferences?token=${token}`;
    return { ...seeOther(location), headers: { Location: location, 'Cache-Control': 'no-store' } };
  },
  { pages: true },
);
