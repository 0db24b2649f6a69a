import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from '@jest/globals';
import { EXAMPLE_CONFIG_PATH, loadDeploymentConfig } from '../../infra/config.js';
import { ForecourtFunction } from '../../infra/constructs/forecourt-function.js';
import { HTTP_ROUTES, functionName } from '../../shared/routes.js';
import type { FunctionDeclaration } from '../../shared/routes.js';

const config = loadDeploymentConfig(EXAMPLE_CONFIG_PATH);
const data = {
  tableArn: 'arn:aws:dynamodb:us-east-1:111111111111:table/forecourt',
  tableName: 'forecourt',
  indexNames: ['gsi1'],
  appSecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:forecourt-abc',
  keyArn: 'arn:aws:kms:us-east-1:111111111111:key/1234',
  campaignQueueUrls: { plan: 'https://q/plan', email: 'https://q/email', sms: 'https://q/sms' },
  campaignQueueArns: {
    plan: 'arn:aws:sqs:us-east-1:111111111111:plan',
    email: 'arn:aws:sqs:us-east-1:111111111111:email',
    sms: 'arn:aws:sqs:us-east-1:111111111111:sms',
    analytics: 'arn:aws:sqs:us-east-1:111111111111:analytics',
  },
  analyticsQueueUrl: 'https://q/analytics',
};

/** The functions of `declarations`, created in that order, in a stack of their own (not bundled). */
function synthesize(declarations: readonly FunctionDeclaration[]): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Functions');
  const alarmAction = new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Alarms'));
  for (const { entry, aws } of declarations) {
    new ForecourtFunction(stack, functionName(entry), { entry, aws, config, data, alarmAction });
  }
  return Template.fromStack(stack);
}

const distinct = [...new Map(HTTP_ROUTES.map((route) => [route.entry, route])).values()].slice(0, 4);

describe('ForecourtFunction', () => {
  it('owns its errors alarm: the same alarms whatever order the functions are created in', () => {
    // Act
    const forward = synthesize(distinct).findResources('AWS::CloudWatch::Alarm');
    const backward = synthesize([...distinct].reverse()).findResources('AWS::CloudWatch::Alarm');
    // Assert
    expect(Object.keys(forward)).toHaveLength(distinct.length);
    expect(forward).toEqual(backward);
    for (const { entry } of distinct) {
      expect(Object.values(forward).map((alarm) => alarm.Properties.AlarmDescription)).toContain(
        `Errors in ${functionName(entry)}.`,
      );
    }
  });

  it('grants a read-only declaration no write, no secret and no use of the key beyond decrypting', () => {
    // Arrange
    const template = synthesize([{ entry: 'functions/policy/current.ts', aws: { table: ['Query'] } }]);
    // Act
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[],
    );
    const actions = statements.flatMap((statement) => [statement.Action].flat()).sort();
    // Assert
    expect(actions).toEqual([
      'dynamodb:Query',
      'kms:Decrypt',
      'kms:DescribeKey',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });
});
