import { DynamoDbAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { DynamoDbStaffReads } from '../../shared/adapters/dynamodb/staff-reads.js';
import { runtimeConfig } from '../../shared/config.js';
import { listInquiries } from '../../shared/domain/admin/list-inquiries.js';
import { httpHandler } from '../../shared/http/handler.js';
import { auditedRequest } from '../../shared/http/audited-request.js';
import { json } from '../../shared/http/responses.js';
import type { StaffEvent } from '../../shared/http/staff-auth.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = runtimeConfig();
const deps = {
  reads: new DynamoDbStaffReads(config.TABLE_NAME),
  audit: new DynamoDbAuditLog(config.TABLE_NAME),
  clock: systemClock,
};

/** `GET /admin/inquiries?from=&to=`: inquiries with what each carried, unmasked, for sales and admin. */
export const handler = httpHandler(async (event) => {
  const { staff } = event as StaffEvent;
  const query = event.queryStringParameters ?? {};
  const listing = await listInquiries(
    deps,
    staff,
    { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
    auditedRequest(event),
  );
  return json(200, listing, { 'Cache-Control': 'no-store' });
});
