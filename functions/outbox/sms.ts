import { outboxEntryOf } from '../../shared/adapters/dynamodb/stream-records.js';
import { runtimeConfig } from '../../shared/config.js';
import { SMS_BUDGET_EXHAUSTED, sendInquiryFollowUps } from '../../shared/domain/inquiries/send-follow-ups.js';
import { streamHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { followUpDeps, smsGate } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = followUpDeps(config, ['sms'], smsGate(config));

/**
 * The SMS outbox consumer: the opt-in confirmation each inserted inquiry owes. Its failures never
 * hold back the email follow-ups, which another consumer sends from the same stream.
 */
export const handler = streamHandler(
  async (record) => {
    const entry = outboxEntryOf(record);
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
