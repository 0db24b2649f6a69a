import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbPrivacyRequestStore, privacyTaskOf } from '../../shared/adapters/dynamodb/privacy-request-store.js';
import { DynamoDbWaitingAcknowledgements } from '../../shared/adapters/dynamodb/privacy-waiting-acknowledgements.js';
import { DynamoDbSendLimits } from '../../shared/adapters/dynamodb/send-limits.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { subjectErasureOf } from './subject-data.js';
import { runtimeConfig } from '../../shared/config.js';
import { processPrivacyTask } from '../../shared/domain/privacy/process-task.js';
import { streamHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';
import { brandOf, emailGate } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = {
  requests: new DynamoDbPrivacyRequestStore(config.TABLE_NAME),
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  waiting: new DynamoDbWaitingAcknowledgements(config.TABLE_NAME),
  gate: emailGate(config),
  limits: new DynamoDbSendLimits(config.TABLE_NAME),
  erasure: subjectErasureOf(config),
  secrets: secretsSource(config),
  brand: brandOf(config),
  clock: systemClock,
  timeZone: config.DEFAULT_TIME_ZONE,
};

/**
 * The privacy outbox: sends what each queued privacy task owes (acknowledgement with its
 * verification link, export link, deletion receipt then erasure, completion and extension
 * notices) through the send gate. A failed record is retried by Lambda and ends in the DLQ.
 */
export const handler = streamHandler(
  async (record) => {
    const task = privacyTaskOf(record);
    if (!task) return;
    const outcome = await processPrivacyTask(deps, task);
    logger.info('Privacy task processed', { requestId: task.requestId, kind: task.kind, outcome });
  },
  { failureMessage: 'Privacy task failed' },
);
