import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { linkError } from '../../shared/domain/preferences/links.js';
import { InvalidTokenError, issueToken, verifyShortPreferencesCode } from '../../shared/domain/tokens.js';
import { httpHandler } from '../../shared/http/handler.js';
import { seeOther } from '../../shared/http/responses.js';

const config = runtimeConfig();
const secrets = secretsSource(config);

/**
 * `GET /p/{code}`: the short preferences link of a text message. It verifies the code and
 * redirects to the preference center with a fresh full token for the same contact, channel and
 * address binding (the code's address tag, or for an untagged code the day it was issued), so it
 * opens the page of the number the text went to, and of no number that replaced it; it changes
 * nothing itself.
 */
export const handler = httpHandler(
  async (event) => {
    const { keyring } = await secrets.getSecrets();
    const now = Date.now();
    let named: ReturnType<typeof verifyShortPreferencesCode>;
    try {
      named = verifyShortPreferencesCode(keyring, event.pathParameters?.code ?? '', now);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw linkError(error);
      throw error;
    }
    const binding = 'tag' in named ? { tag: named.tag } : { issuedAt: named.issuedAt };
    const token = issueToken(keyring, named.contactId, { purpose: 'preferences', channel: named.channel, ...binding }, now);
    const location = `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/preferences?token=${token}`;
    return { ...seeOther(location), headers: { Location: location, 'Cache-Control': 'no-store' } };
  },
  { pages: true },
);
