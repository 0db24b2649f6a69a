import { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * The structured logger. Log named, masked fields only: never an event, a body, or a raw email,
 * phone or name (SPEC §2).
 */
export const logger = new Logger({ serviceName: 'forecourt' });

/**
 * The middleware that gives each invocation's log lines its Lambda context (request id, function,
 * cold start). It stands in for Powertools' `injectLambdaContext(logger, { resetKeys: true })`,
 * which also re-draws a debug sampling decision (no sample rate is configured here), may log the
 * whole event (never wanted: events hold personal data), spreads middy's internal state, and
 * clears temporary keys, each of its attribute-store calls reading `process.env` again: about
 * 10 µs of every warm request. Temporary keys are not cleared because no code appends any
 * (`logger.appendKeys`); a unit test keeps it so, since they would outlive the invocation.
 */
export function lambdaLogContext<E, R>(): MiddlewareObj<E, R, Error, Context> {
  return {
    before: (request) => {
      logger.addContext(request.context);
    },
  };
}
