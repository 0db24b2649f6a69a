import { DynamoDbAuditTrail } from '../../shared/adapters/dynamodb/audit-log.js';
import { runtimeConfig } from '../../shared/config.js';
import { readAudit } from '../../shared/domain/contacts/read-audit.js';
import type { AuditQuery } from '../../shared/domain/contacts/read-audit.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';
import { validate } from '../../shared/http/validate.js';
import { auditQuerySchema } from './audit-schema.js';

const config = runtimeConfig();
const deps = { auditTrail: new DynamoDbAuditTrail(config.TABLE_NAME) };

/** `GET /admin/audit?contactId=&actor=` (admin only): one contact's or one staff member's audit trail, newest first. */
export const handler = httpHandler(async (event) => {
  const query = Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).map(([name, value]) => [name, (value ?? '').trim()]),
  );
  const listing = await readAudit(deps, validate(auditQuerySchema, query) as AuditQuery);
  return json(200, listing, { 'Cache-Control': 'no-store' });
});
