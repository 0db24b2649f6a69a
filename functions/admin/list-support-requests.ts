import { DynamoDbAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { DynamoDbSupportRequestReads } from '../../shared/adapters/dynamodb/support-request-store.js';
import { runtimeConfig } from '../../shared/config.js';
import { listSupportRequests } from '../../shared/domain/admin/list-support-requests.js';
import { httpHandler } from '../../shared/http/handler.js';
import { auditedRequest } from '../../shared/http/audited-request.js';
import { json } from '../../shared/http/responses.js';
import type { StaffEvent } from '../../shared/http/staff-auth.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = runtimeConfig();
const deps = {
  reads: new DynamoDbSupportRequestReads(config.TABLE_NAME),
  audit: new DynamoDbAuditLog(config.TABLE_NAME),
  clock: systemClock,
};

/** `GET /admin/support-requests?status=`: support requests with what each carried, unmasked, for support and admin. */
export const handler = httpHandler(async (event) => {
  const { staff } = event as StaffEvent;
  const query = event.queryStringParameters ?? {};
  const listing = await listSupportRequests(
    deps,
    staff,
    query.status === undefined ? {} : { status: query.status },
    auditedRequest(event),
  );
  return json(200, listing, { 'Cache-Control': 'no-store' });
});
