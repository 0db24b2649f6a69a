import { QUEUE_CONSUMERS, SCHEDULED_JOBS } from './routes.js';

/** A function's timeout and memory: the CDK stack sets them from here, and the local stack enforces them. */
export interface FunctionLimits {
  timeoutSeconds: number;
  memoryMb: number;
  /** Reserved concurrency: the most instances that run at once (the CDK stack reserves it; the local host caps its pool at it). */
  reservedConcurrency?: number;
}

/** An API, SNS or stream function: well inside API Gateway's 29 s integration timeout. */
const DEFAULT_LIMITS: FunctionLimits = { timeoutSeconds: 10, memoryMb: 512 };
/** A scheduled job or a queue consumer: long batches, paced sends. */
const BATCH_LIMITS: FunctionLimits = { timeoutSeconds: 5 * 60, memoryMb: 512 };

/** The limits of the function whose entry file is `entry` (as in `shared/routes.ts`). */
export function functionLimits(entry: string): FunctionLimits {
  const batch = [...SCHEDULED_JOBS, ...QUEUE_CONSUMERS].some((fn) => fn.entry === entry);
  return batch ? BATCH_LIMITS : DEFAULT_LIMITS;
}
