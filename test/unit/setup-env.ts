import { functionEnvironment, loadDeploymentConfig } from '../../infra/config.js';

// Handlers parse their environment at import; unit tests that import a handler get the example config's.
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  ...functionEnvironment(loadDeploymentConfig(), {
    tableName: 'forecourt-test',
    secretId: 'forecourt/test',
    campaignQueueUrls: {
      plan: 'https://sqs.us-east-1.amazonaws.com/000000000000/forecourt-test-plan',
      email: 'https://sqs.us-east-1.amazonaws.com/000000000000/forecourt-test-email',
      sms: 'https://sqs.us-east-1.amazonaws.com/000000000000/forecourt-test-sms',
    },
    analyticsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/forecourt-test-analytics',
  }),
});
