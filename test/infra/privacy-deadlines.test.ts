import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { PrivacyDeadlines } from '../../infra/constructs/privacy-deadlines.js';
import { PRIVACY_REQUEST_DUE } from '../../shared/domain/privacy/overdue.js';
import { SCHEDULED_JOBS } from '../../shared/routes.js';

let template: Template;

beforeAll(() => {
  // Arrange: the construct alone, over a log group standing in for the overdue job's.
  const stack = new Stack(new App(), 'PrivacyDeadlinesOnly');
  new PrivacyDeadlines(stack, 'PrivacyDeadlines', {
    overdueJobLogs: new logs.LogGroup(stack, 'JobLogs'),
    alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Alarms')),
  });
  template = Template.fromStack(stack);
});

describe('PrivacyDeadlines', () => {
  it('alarms on any request the daily job finds near or past a due date, counting the line it logs', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: Match.stringLikeRegexp(PRIVACY_REQUEST_DUE),
      MetricTransformations: [Match.objectLike({ MetricName: 'PrivacyRequestsDue', MetricValue: '1' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PrivacyRequestsDue',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [Match.anyValue()],
    });
  });

  it('is fed by a job the route table schedules once a day', () => {
    const job = SCHEDULED_JOBS.find((candidate) => candidate.name === 'privacy-overdue');
    expect(job).toMatchObject({ entry: 'functions/privacy/overdue.ts', schedule: 'cron(0 14 * * ? *)' });
    // It reads the open requests, and writes only the acknowledgement retries it queues (no secret, no sends).
    expect(job?.aws).toEqual({ table: ['Query', 'PutItem'] });
  });
});
