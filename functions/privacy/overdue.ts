import { DynamoDbAcknowledgementRetries } from '../../shared/adapters/dynamodb/privacy-ack-retries.js';
import { DynamoDbPrivacyRequestReads } from '../../shared/adapters/dynamodb/privacy-request-reads.js';
import { runtimeConfig } from '../../shared/config.js';
import {
  findDuePrivacyRequests,
  PRIVACY_REQUEST_DUE,
  queueHeldBackAcknowledgements,
} from '../../shared/domain/privacy/overdue.js';
import { scheduledHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';

const config = runtimeConfig();
const requests = new DynamoDbPrivacyRequestReads(config.TABLE_NAME);
const retries = new DynamoDbAcknowledgementRetries(config.TABLE_NAME);

/**
 * The daily check of the privacy requests' legal clocks (EventBridge in AWS;
 * `POST /_local/jobs/privacy-overdue` locally): one `PRIVACY_REQUEST_DUE` line per request near
 * or past a due date, which a metric filter turns into an alarm; and one acknowledgement retry per
 * address whose acknowledgement was held back by the mailbox's hourly cap.
 */
export const handler = scheduledHandler(async (event) => {
  const tick = event.time ? new Date(event.time) : systemClock.now();
  const clock = { now: () => tick };
  const due = await findDuePrivacyRequests({ requests, clock, timeZone: config.DEFAULT_TIME_ZONE }, (request) =>
    logger.error(PRIVACY_REQUEST_DUE, { ...request }),
  );
  const retried = await queueHeldBackAcknowledgements({ requests, retries, clock });
  if (retried.length > 0) logger.info('Held-back privacy acknowledgements queued again', { requestIds: retried });
  return { due, retried: retried.length };
});
