import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { DynamoDbPrivacyRequestStore } from '../../shared/adapters/dynamodb/privacy-request-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { subjectExportOf } from './subject-data.js';
import { runtimeConfig } from '../../shared/config.js';
import { exportForLink } from '../../shared/domain/privacy/confirm-privacy-request.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = runtimeConfig();
const deps = {
  requests: new DynamoDbPrivacyRequestStore(config.TABLE_NAME),
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  audit: new DynamoDbAuditLog(config.TABLE_NAME),
  exports: subjectExportOf(config),
  secrets: secretsSource(config),
  clock: systemClock,
};

/** `GET /privacy-requests/export?token=`: the JSON export of everything held under the link's address, audited. */
export const handler = httpHandler(async (event) => {
  const document = await exportForLink(deps, event.queryStringParameters?.token, {
    requestId: event.requestContext.requestId,
  });
  return json(200, document, {
    'Cache-Control': 'no-store',
    'Content-Disposition': 'attachment; filename="my-data.json"',
  });
});
