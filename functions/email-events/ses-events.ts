import { policyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import * as z from 'zod/mini';
import { DynamoDbConsentStore } from '../../shared/adapters/dynamodb/consent-store.js';
import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbSendLedger } from '../../shared/adapters/dynamodb/send-ledger.js';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/suppression-store.js';
import { snsMessage } from '../../shared/adapters/sns/notification.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { handleEmailEvent } from '../../shared/domain/email-events/handle-email-event.js';
import type { EmailEvent } from '../../shared/domain/email-events/handle-email-event.js';
import { recordProviderSend } from '../../shared/domain/email-events/record-send.js';
import { notificationHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';
import { recipientDirectory } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = {
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  directory: recipientDirectory(config),
  consent: new DynamoDbConsentStore(config.TABLE_NAME),
  suppressions: new DynamoDbSuppressionStore(config.TABLE_NAME),
  secrets: secretsSource(config),
  clock: systemClock,
  policy: policyVersions(config),
};
const ledger = new DynamoDbSendLedger(config.TABLE_NAME);

const address = z.looseObject({ emailAddress: z.string() });

/** An SES configuration-set event (event publishing to SNS): sends, bounces and complaints matter here. */
const sesEventSchema = z.looseObject({
  eventType: z.string(),
  mail: z.looseObject({
    messageId: z.string(),
    timestamp: z.optional(z.string()),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(
    z.looseObject({ bounceType: z.string(), feedbackId: z.string(), timestamp: z.string(), bouncedRecipients: z.array(address) }),
  ),
  complaint: z.optional(z.looseObject({ feedbackId: z.string(), timestamp: z.string(), complainedRecipients: z.array(address) })),
});

function emailEventOf(message: z.output<typeof sesEventSchema>): EmailEvent | undefined {
  if (message.eventType === 'Bounce' && message.bounce) {
    const { bounceType, feedbackId, timestamp, bouncedRecipients } = message.bounce;
    return {
      type: 'bounce',
      bounceType,
      feedbackId,
      at: new Date(timestamp).toISOString(),
      recipients: bouncedRecipients.map((r) => r.emailAddress),
    };
  }
  if (message.eventType === 'Complaint' && message.complaint) {
    const { feedbackId, timestamp, complainedRecipients } = message.complaint;
    return {
      type: 'complaint',
      feedbackId,
      at: new Date(timestamp).toISOString(),
      recipients: complainedRecipients.map((r) => r.emailAddress),
    };
  }
  return undefined;
}

/**
 * SES send, bounce and complaint events from the configuration set's SNS topic (locally,
 * `POST /_local/ses/events`). A `Send` event marks its send record sent (reconciling a sender
 * that died after SES accepted the email). A failure throws so that Lambda retries, then dead-letters.
 */
export const handler = notificationHandler(
  async (record) => {
    const message = snsMessage(record, sesEventSchema);
    if (message?.eventType === 'Send') {
      const outcome = await recordProviderSend(
        { ledger },
        {
          providerMessageId: message.mail.messageId,
          tags: message.mail.tags ?? {},
          at: message.mail.timestamp ? new Date(message.mail.timestamp).toISOString() : systemClock.now().toISOString(),
        },
      );
      // A duplicate is a message that went out twice: the log line an alarm can count.
      if (outcome === 'duplicate') logger.warn('SES send recorded twice', { sesMessageId: message.mail.messageId });
      else logger.info('SES send recorded', { sesMessageId: message.mail.messageId, outcome });
      return;
    }
    const emailEvent = message ? emailEventOf(message) : undefined;
    if (!emailEvent) {
      logger.info('SES event ignored', {
        snsMessageId: record.Sns.MessageId,
        eventType: message?.eventType ?? 'unreadable',
      });
      return;
    }
    const outcomes = await handleEmailEvent(deps, emailEvent);
    logger.info('SES event handled', {
      type: emailEvent.type,
      bounceType: emailEvent.bounceType,
      feedbackId: emailEvent.feedbackId,
      outcomes,
    });
  },
  { failureMessage: 'SES event failed' },
);
