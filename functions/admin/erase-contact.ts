import { DynamoDbAudienceIndex } from '../../shared/adapters/dynamodb/audience-index.js';
import { DynamoDbAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { DynamoDbErasureStore } from '../../shared/adapters/dynamodb/erasure-store.js';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/suppression-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { CONTACT_ID } from '../../shared/domain/contacts/contact-id.js';
import { eraseContactForStaff } from '../../shared/domain/contacts/erase-contact.js';
import { NotFoundError } from '../../shared/domain/errors.js';
import { httpHandler } from '../../shared/http/handler.js';
import { auditedRequest } from '../../shared/http/audited-request.js';
import { json } from '../../shared/http/responses.js';
import type { StaffEvent } from '../../shared/http/staff-auth.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = runtimeConfig();
const deps = {
  erasures: new DynamoDbErasureStore(config.TABLE_NAME),
  suppressions: new DynamoDbSuppressionStore(config.TABLE_NAME),
  audiences: new DynamoDbAudienceIndex(config.TABLE_NAME),
  audit: new DynamoDbAuditLog(config.TABLE_NAME),
  secrets: secretsSource(config),
  clock: systemClock,
};

/**
 * `DELETE /admin/contacts/{id}` (SPEC §4 "Erasure"): erases the contact's personal data, audited
 * before anything changes, and answers the erasure receipt. Repeating it answers the same receipt.
 */
export const handler = httpHandler(async (event) => {
  const { staff } = event as StaffEvent;
  const contactId = event.pathParameters?.id ?? '';
  if (!CONTACT_ID.test(contactId)) throw new NotFoundError('No such contact.');
  const receipt = await eraseContactForStaff(deps, staff, contactId, auditedRequest(event));
  return json(200, receipt, { 'Cache-Control': 'no-store' });
});
