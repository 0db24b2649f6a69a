import { ulid } from 'ulid';
import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbSupportRequestStore } from '../../shared/adapters/dynamodb/support-request-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { submitSupportRequest } from '../../shared/domain/support/submit-support-request.js';
import type { SubmitSupportRequestDeps } from '../../shared/domain/support/submit-support-request.js';
import { newTicketId } from '../../shared/domain/support/support-request.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';
import { validate } from '../../shared/http/validate.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';
import { fromSubmittedFields, supportRequestSchema } from './schema.js';

const config = runtimeConfig();

function isHoneypotFilled(fields: unknown): boolean {
  return (
    typeof fields === 'object' && fields !== null && 'website' in fields && Boolean((fields as { website: unknown }).website)
  );
}

/**
 * `POST /support-requests`: validate, capture, answer `201 {"ticketId"}`; the acknowledgement and
 * the forward to the support mailbox leave later from the outbox.
 */
export function createSubmitSupportRequestHandler(deps: SubmitSupportRequestDeps) {
  return httpHandler(
    async (event) => {
      const fields = fromSubmittedFields(event.parsedBody);
      if (isHoneypotFilled(fields)) {
        logger.info('Honeypot filled; support request discarded');
        return json(201, { ticketId: deps.newTicketId() });
      }
      const { website: _honeypot, ...input } = validate(supportRequestSchema, fields);
      const receipt = await submitSupportRequest(deps, input, { ip: event.requestContext.identity.sourceIp });
      logger.info('Support request captured', { ...receipt });
      return json(201, receipt);
    },
    { body: ['json', 'form'] },
  );
}

export const handler = createSubmitSupportRequestHandler({
  store: new DynamoDbSupportRequestStore(config.TABLE_NAME),
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  secrets: secretsSource(config),
  clock: systemClock,
  newContactId: ulid,
  newTicketId: () => newTicketId(),
});
