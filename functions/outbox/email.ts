import { outboxEntryOf } from '../../shared/adapters/dynamodb/stream-records.js';
import { DynamoDbSubscriptionStore } from '../../shared/adapters/dynamodb/subscription-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import { sendSubscriptionConfirmation } from '../../shared/domain/subscriptions/confirmation.js';
import { sendSupportEffects } from '../../shared/domain/support/send-support-effects.js';
import { streamHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';
import { brandOf, emailGate, followUpDeps, supportEffectsDeps } from '../../shared/wiring.js';

const config = runtimeConfig();
const gate = emailGate(config);
const followUps = followUpDeps(config, ['email'], gate);
const supportDeps = supportEffectsDeps(config, ['email'], gate);
const confirmationDeps = {
  gate,
  subscriptions: new DynamoDbSubscriptionStore(config.TABLE_NAME),
  limits: followUps.limits,
  secrets: secretsSource(config),
  brand: brandOf(config),
  clock: systemClock,
};

/**
 * The email outbox consumer: the acknowledgement and new-lead email of each inserted inquiry, the
 * acknowledgement and forward of each support request, and queued messages (subscription
 * confirmations). A failed record is reported back so that Lambda
 * retries from it (bisecting the batch), and what keeps failing goes to the DLQ.
 */
export const handler = streamHandler(
  async (record) => {
    const entry = outboxEntryOf(record);
    if (entry?.kind === 'inquiry') {
      const { contactId, inquiryId } = entry.inquiry;
      const outcomes = await sendInquiryFollowUps(followUps, entry.inquiry);
      logger.info('Inquiry follow-ups processed', { contactId, inquiryId, outcomes });
    } else if (entry?.kind === 'subscription_confirmation') {
      const outcome = await sendSubscriptionConfirmation(confirmationDeps, entry.confirmation);
      logger.info('Subscription confirmation processed', { contactId: entry.confirmation.contactId, outcome });
    } else if (entry?.kind === 'support_request') {
      const { contactId, ticketId, flags } = entry.supportRequest;
      const outcomes = await sendSupportEffects(supportDeps, entry.supportRequest);
      logger.info('Support request effects processed', { contactId, ticketId, flags, outcomes });
    }
  },
  { failureMessage: 'Outbox record failed' },
);
