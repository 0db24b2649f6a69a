import * as z from 'zod/mini';
import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbConsentStore } from '../../shared/adapters/dynamodb/consent-store.js';
import { policyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import { DynamoDbSubscriptionStore } from '../../shared/adapters/dynamodb/subscription-store.js';
import { snsMessage } from '../../shared/adapters/sns/notification.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { handleInboundSms } from '../../shared/domain/sms/handle-inbound-sms.js';
import { notificationHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';
import { brandOf, recipientDirectory, smsGate } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = {
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  directory: recipientDirectory(config),
  consent: new DynamoDbConsentStore(config.TABLE_NAME),
  subscriptions: new DynamoDbSubscriptionStore(config.TABLE_NAME),
  gate: smsGate(config),
  secrets: secretsSource(config),
  clock: systemClock,
  brand: brandOf(config),
  policy: policyVersions(config),
  smsMessagesPerMonth: config.SMS_MESSAGES_PER_MONTH,
};

/** The two-way SMS message that AWS End User Messaging publishes to the inbound SNS topic. */
const inboundSmsSchema = z.looseObject({
  originationNumber: z.string().check(z.minLength(3)),
  messageBody: z.string(),
  inboundMessageId: z.string().check(z.minLength(1)),
});

/**
 * Inbound SMS from the SNS topic of the two-way SMS channel (locally, `POST /_local/sms/inbound`).
 * A failure throws, so that Lambda retries the delivery and then sends it to the DLQ.
 */
export const handler = notificationHandler(
  async (record) => {
    const message = snsMessage(record, inboundSmsSchema);
    if (!message) {
      logger.warn('Inbound SMS event not understood; dropped', { snsMessageId: record.Sns.MessageId });
      return;
    }
    const { originationNumber, messageBody, inboundMessageId } = message;
    const outcome = await handleInboundSms(deps, { from: originationNumber, body: messageBody, messageId: inboundMessageId });
    // The text itself and the number stay out of the log.
    logger.info('Inbound SMS handled', { inboundMessageId, outcome });
  },
  { failureMessage: 'Inbound SMS failed' },
);
