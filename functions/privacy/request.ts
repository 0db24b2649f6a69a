import { randomBytes } from 'node:crypto';
import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbPrivacyRequestStore } from '../../shared/adapters/dynamodb/privacy-request-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { submitPrivacyRequest } from '../../shared/domain/privacy/submit-privacy-request.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';
import { validate } from '../../shared/http/validate.js';
import { systemClock } from '../../shared/ports/clock.js';
import { fromSubmittedFields, privacyRequestSchema, requireCorrectionDetails } from './schema.js';

const config = runtimeConfig();
const deps = {
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  requests: new DynamoDbPrivacyRequestStore(config.TABLE_NAME),
  secrets: secretsSource(config),
  clock: systemClock,
  // 128 random bits: a request id cannot be guessed or enumerated.
  newId: () => randomBytes(16).toString('base64url'),
  timeZone: config.DEFAULT_TIME_ZONE,
};

/**
 * `POST /privacy-requests`: access, correction or deletion of the data held under an email
 * address. Always `202 pending_verification`, whatever the address's state.
 */
export const handler = httpHandler(
  async (event) => {
    const request = validate(privacyRequestSchema, fromSubmittedFields(event.parsedBody));
    requireCorrectionDetails(request);
    await submitPrivacyRequest(deps, {
      type: request.type,
      email: request.email,
      ...(request.details ? { details: request.details } : {}),
      ...(event.requestContext.identity.sourceIp ? { clientIp: event.requestContext.identity.sourceIp } : {}),
    });
    return json(202, { status: 'pending_verification' });
  },
  { body: ['json', 'form'] },
);
