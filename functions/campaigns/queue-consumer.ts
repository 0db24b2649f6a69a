import type { SQSRecord } from 'aws-lambda';
import { queueHandler } from '../../shared/events/handler.js';
import type { CampaignWork } from '../../shared/ports/work-queue.js';

/**
 * The shape every campaign queue consumer shares: one message is one unit of work; a failed one
 * is reported on its own (partial batch response) and SQS redelivers it, then dead-letters it.
 * Each unit learns the time left to the invocation, so that a sender can hand work back before
 * its timeout rather than be cut off mid-batch.
 */
export function campaignQueueConsumer<W extends CampaignWork>(
  process: (work: W, invocation: { remainingMs: () => number }) => Promise<void>,
) {
  const workOf = (record: SQSRecord) => JSON.parse(record.body) as W;
  return queueHandler((record, context) => process(workOf(record), { remainingMs: () => context.getRemainingTimeInMillis() }), {
    failureMessage: 'Campaign work failed; SQS will redeliver it',
    logFields: (record) => {
      try {
        const { kind, campaignId, runId } = workOf(record);
        return { kind, campaignId, runId };
      } catch {
        return { unreadable: true };
      }
    },
  });
}
