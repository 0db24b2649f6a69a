import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbAuditLog, DynamoDbAuditTrail } from '../../shared/adapters/dynamodb/audit-log.js';
import { DynamoDbConsentStore } from '../../shared/adapters/dynamodb/consent-store.js';
import { DynamoDbContactRecords } from '../../shared/adapters/dynamodb/contact-records.js';
import { policyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { exportContact } from '../../shared/domain/contacts/contact-export.js';
import { correctContact } from '../../shared/domain/contacts/correct-contact.js';
import { recordStaffConsent } from '../../shared/domain/contacts/staff-consent.js';
import { CONTACT_ID } from '../../shared/domain/contacts/contact-id.js';
import { findContacts, readContact } from '../../shared/domain/contacts/staff-contacts.js';
import type { ContactQuery } from '../../shared/domain/contacts/staff-contacts.js';
import { NotFoundError } from '../../shared/domain/errors.js';
import { httpHandler } from '../../shared/http/handler.js';
import { auditedRequest } from '../../shared/http/audited-request.js';
import { json } from '../../shared/http/responses.js';
import type { StaffEvent } from '../../shared/http/staff-auth.js';
import type { HttpEvent } from '../../shared/http/types.js';
import { validate } from '../../shared/http/validate.js';
import { systemClock } from '../../shared/ports/clock.js';
import { recipientDirectory } from '../../shared/wiring.js';
import { contactQuerySchema, correctionSchema, staffConsentSchema } from './contact-schema.js';

const config = runtimeConfig();
const secrets = secretsSource(config);
const deps = {
  records: new DynamoDbContactRecords(config.TABLE_NAME, secrets),
  audit: new DynamoDbAuditLog(config.TABLE_NAME),
  auditTrail: new DynamoDbAuditTrail(config.TABLE_NAME),
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  directory: recipientDirectory(config),
  consent: new DynamoDbConsentStore(config.TABLE_NAME),
  policy: policyVersions(config),
  secrets,
  clock: systemClock,
};

const NO_STORE = { 'Cache-Control': 'no-store' };

/** The query string with each value trimmed, as every request field is (SPEC §3). */
function trimmedQuery(event: HttpEvent): Record<string, string> {
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).map(([name, value]) => [name, (value ?? '').trim()]),
  );
}

/**
 * The contacts API (SPEC §4): `GET /admin/contacts` (find or page), `GET /admin/contacts/{id}`,
 * `PATCH /admin/contacts/{id}` (correction), `POST /admin/contacts/{id}/consent` (what the person
 * told staff) and `GET /admin/contacts/{id}/export`. Every output is masked for the caller's
 * roles by the one masking policy, and audited before it leaves.
 */
export const handler = httpHandler(
  async (event) => {
    const { staff } = event as StaffEvent;
    if (event.resource === '/admin/contacts') {
      const query = validate(contactQuerySchema, trimmedQuery(event)) as ContactQuery;
      return json(200, await findContacts(deps, staff, query, auditedRequest(event)), NO_STORE);
    }
    const contactId = event.pathParameters?.id ?? '';
    if (!CONTACT_ID.test(contactId)) throw new NotFoundError('No such contact.');
    if (event.resource === '/admin/contacts/{id}/export')
      return json(200, await exportContact(deps, staff, contactId, auditedRequest(event)), NO_STORE);
    if (event.resource === '/admin/contacts/{id}/consent') {
      const change = validate(staffConsentSchema, event.parsedBody);
      return json(200, await recordStaffConsent(deps, staff, contactId, change, auditedRequest(event, change.reason)));
    }
    if (event.httpMethod === 'PATCH')
      return json(
        200,
        await correctContact(deps, staff, contactId, validate(correctionSchema, event.parsedBody), auditedRequest(event)),
      );
    return json(200, await readContact(deps, staff, contactId, auditedRequest(event)), NO_STORE);
  },
  { body: ['json'] },
);
