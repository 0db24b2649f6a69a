import { DynamoDbAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { DynamoDbPrivacyRequestStore } from '../../shared/adapters/dynamodb/privacy-request-store.js';
import { runtimeConfig } from '../../shared/config.js';
import {
  completePrivacyRequest,
  extendPrivacyRequest,
  listPrivacyRequests,
  statusFilter,
} from '../../shared/domain/privacy/admin-privacy-requests.js';
import { NotFoundError } from '../../shared/domain/errors.js';
import { httpHandler } from '../../shared/http/handler.js';
import { auditedRequest } from '../../shared/http/audited-request.js';
import { json } from '../../shared/http/responses.js';
import type { StaffEvent } from '../../shared/http/staff-auth.js';
import { validate } from '../../shared/http/validate.js';
import { systemClock } from '../../shared/ports/clock.js';
import { completeSchema, extendSchema } from '../privacy/schema.js';

const config = runtimeConfig();
const deps = {
  requests: new DynamoDbPrivacyRequestStore(config.TABLE_NAME),
  audit: new DynamoDbAuditLog(config.TABLE_NAME),
  clock: systemClock,
  timeZone: config.DEFAULT_TIME_ZONE,
};

/**
 * `GET /admin/privacy-requests?status=`, `POST /admin/privacy-requests/{id}/complete` and
 * `POST /admin/privacy-requests/{id}/extend`: the privacy team's queue, with the legal clocks.
 */
export const handler = httpHandler(
  async (event) => {
    const { staff } = event as StaffEvent;
    const http = { requestId: event.requestContext.requestId };
    if (event.httpMethod === 'GET') {
      const listing = await listPrivacyRequests(
        deps,
        staff,
        statusFilter(event.queryStringParameters?.status),
        auditedRequest(event),
      );
      return json(200, listing, { 'Cache-Control': 'no-store' });
    }
    const id = event.pathParameters?.id ?? '';
    if (event.resource.endsWith('/complete')) {
      const input = validate(completeSchema, event.parsedBody ?? {});
      return json(200, await completePrivacyRequest(deps, staff, id, input, http));
    }
    if (event.resource.endsWith('/extend')) {
      const input = validate(extendSchema, event.parsedBody ?? {});
      return json(200, await extendPrivacyRequest(deps, staff, id, input, http));
    }
    throw new NotFoundError();
  },
  { body: ['json'] },
);
