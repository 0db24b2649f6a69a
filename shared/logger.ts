import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The structured logger. Log named, masked fields only: never an event, a body, or a raw email,
 * phone or name (SPEC §2).
 */
export const logger = new Logger({ serviceName: 'forecourt' });
