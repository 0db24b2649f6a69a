import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loggableError } from '../../shared/domain/masking.js';
import { logger } from '../../shared/logger.js';
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
  const processor = new BatchProcessor(EventType.SQS);
  let remainingMs = () => Number.POSITIVE_INFINITY;
  const processRecord = async (record: SQSRecord) => {
    const work = JSON.parse(record.body) as W;
    try {
      await process(work, { remainingMs });
    } catch (error) {
      logger.warn('Campaign work failed; SQS will redeliver it', {
        kind: work.kind,
        campaignId: work.campaignId,
        runId: work.runId,
        error: loggableError(error),
      });
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((event, context) => {
      remainingMs = () => context.getRemainingTimeInMillis();
      return processPartialResponse(event, processRecord, processor, { context });
    });
}
