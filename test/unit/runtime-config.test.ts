import { describe, expect, it } from '@jest/globals';
import { functionEnvironment, loadDeploymentConfig } from '../../infra/config.js';
import { ConfigError, parseRuntimeConfig } from '../../shared/config.js';

/** The environment the CDK stack and the local stack give every function, from the example config. */
const environment = () =>
  functionEnvironment(loadDeploymentConfig(), {
    tableName: 'forecourt-test',
    secretId: 'forecourt/test',
    campaignQueueUrls: {
      plan: 'https://sqs.us-east-1.amazonaws.com/000000000000/plan',
      email: 'https://sqs.us-east-1.amazonaws.com/000000000000/email',
      sms: 'https://sqs.us-east-1.amazonaws.com/000000000000/sms',
    },
    analyticsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/analytics',
  });

/** The message of the ConfigError that parsing `overrides` throws, or undefined when it parses. */
function problemWith(overrides: Record<string, string | undefined>): string | undefined {
  try {
    parseRuntimeConfig({ ...environment(), ...overrides });
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
}

describe('parseRuntimeConfig', () => {
  it('reads the numbers the deployment config writes as numbers', () => {
    // Act
    const config = parseRuntimeConfig({ ...environment(), SES_RATE_PER_SECOND: '0.5', SMS_DAILY_BUDGET: '200' });
    // Assert
    expect(config.SES_RATE_PER_SECOND).toBe(0.5);
    expect(config.SMS_DAILY_BUDGET).toBe(200);
  });

  it('refuses a rate that is not a number, naming the variable, where Number() gave NaN', () => {
    // Act & Assert
    expect(problemWith({ SES_RATE_PER_SECOND: 'fourteen' })).toContain('SES_RATE_PER_SECOND: must be a number, not "fourteen"');
  });

  it.each([
    ['SMS_MESSAGES_PER_MONTH', 'four'],
    ['SMS_MAX_CONFIRMATIONS_PER_IP_PER_HOUR', '5/h'],
    ['SMS_DAILY_BUDGET', '2.5'],
    ['SMS_DAILY_BUDGET', ''],
    ['SENDER_CONCURRENCY', ' 2'],
  ])('refuses %s=%j, which is not a whole number', (name, value) => {
    // Act & Assert
    expect(problemWith({ [name]: value })).toContain(`${name}: must be a whole number`);
  });

  it.each([
    ['SES_RATE_PER_SECOND', '0', 'must be more than 0'],
    ['SENDER_CONCURRENCY', '0', 'must be at least 1'],
    ['SMS_DAILY_BUDGET', '0', 'must be at least 1'],
  ])('refuses %s=%j, a number out of range', (name, value, problem) => {
    // Act & Assert
    expect(problemWith({ [name]: value })).toContain(`${name}: ${problem}`);
  });

  it('names every bad variable at once', () => {
    // Act
    const problem = problemWith({ SES_RATE_PER_SECOND: 'fourteen', SMS_DAILY_BUDGET: 'lots', TABLE_NAME: undefined });
    // Assert
    expect(problem).toContain('SES_RATE_PER_SECOND');
    expect(problem).toContain('SMS_DAILY_BUDGET');
    expect(problem).toContain('TABLE_NAME');
  });
});
