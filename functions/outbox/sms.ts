import { outboxEntryOf } from '../../shared/adapters/dynamodb/stream-records.js';
import { runtimeConfig } from '../../shared/config.js';
import { SMS_BUDGET_EXHAUSTED, sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import { sendSupportEffects } from '../../shared/domain/support/send-support-effects.js';
import { streamHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { followUpDeps, smsGate, supportEffectsDeps } from '../../shared/wiring.js';

const config = runtimeConfig();
const gate = smsGate(config);
const deps = followUpDeps(config, ['sms'], gate);
const supportDeps = supportEffectsDeps(config, ['sms'], gate);

/**
 * The SMS outbox consumer: the opt-in confirmation each inserted inquiry owes, and the text that
 * acknowledges a support request given with a phone only. Its failures never hold back the email
 * follow-ups, which another consumer sends from the same stream.
 */
export const handler = streamHandler(
  async (record) => {
    const entry = outboxEntryOf(record);
    if (entry?.kind === 'support_request') {
      const { contactId, ticketId } = entry.supportRequest;
      const outcomes = await sendSupportEffects(supportDeps, entry.supportRequest);
      logger.info('Support request SMS effects processed', { contactId, ticketId, outcomes });
      return;
    }
    if (entry?.kind !== 'inquiry') return;
    const { contactId, inquiryId } = entry.inquiry;
    const outcomes = await sendInquiryFollowUps(deps, entry.inquiry);
    logger.info('Inquiry SMS follow-ups processed', { contactId, inquiryId, outcomes });
    // The alarm on the deployment's daily SMS budget counts this line (a CloudWatch metric filter).
    if (outcomes.sms_opt_in_confirmation === 'skipped_budget_exhausted')
      logger.error(SMS_BUDGET_EXHAUSTED, { dailyBudget: deps.smsCaps.dailyBudget });
  },
  { failureMessage: 'Outbox record failed' },
);
