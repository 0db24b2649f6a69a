import { DynamoDbPrivacyRequestReads } from '../../shared/adapters/dynamodb/privacy-request-reads.js';
import { runtimeConfig } from '../../shared/config.js';
import { findDuePrivacyRequests, PRIVACY_REQUEST_DUE } from '../../shared/domain/privacy/overdue.js';
import { scheduledHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = runtimeConfig();
const requests = new DynamoDbPrivacyRequestReads(config.TABLE_NAME);

/**
 * The daily check of the privacy requests' legal clocks (EventBridge in AWS;
 * `POST /_local/jobs/privacy-overdue` locally): one `PRIVACY_REQUEST_DUE` line per request near
 * or past a due date, which a metric filter turns into an alarm.
 */
export const handler = scheduledHandler(async (event) => {
  const tick = event.time ? new Date(event.time) : systemClock.now();
  const due = await findDuePrivacyRequests(
    { requests, clock: { now: () => tick }, timeZone: config.DEFAULT_TIME_ZONE },
    (request) => logger.error(PRIVACY_REQUEST_DUE, { ...request }),
  );
  return { due };
});
