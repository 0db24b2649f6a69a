import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { SmsSafeguards } from '../../infra/constructs/sms-safeguards.js';

let template: Template;

beforeAll(() => {
  // Arrange: the construct alone, over a log group standing in for the SMS outbox's.
  const stack = new Stack(new App(), 'SmsSafeguardsOnly');
  new SmsSafeguards(stack, 'SmsSafeguards', {
    allowedCountries: ['US', 'CA'],
    dailyBudget: 200,
    smsOutboxLogs: new logs.LogGroup(stack, 'OutboxLogs'),
    alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Alarms')),
  });
  template = Template.fromStack(stack);
});

describe('SmsSafeguards', () => {
  it('lets the SMS provider text only the configured countries, protected from deletion', () => {
    const configs = template.findResources('AWS::SMSVOICE::ProtectConfiguration');
    // The logical ID it had before the stack was split: a protected resource cannot be replaced.
    expect(Object.keys(configs)).toEqual(['SmsProtectConfiguration']);
    const properties = configs.SmsProtectConfiguration?.Properties as {
      DeletionProtectionEnabled: boolean;
      CountryRuleSet: { SMS: { CountryCode: string; ProtectStatus: string }[] };
    };
    expect(properties.DeletionProtectionEnabled).toBe(true);
    const allowed = properties.CountryRuleSet.SMS.filter((rule) => rule.ProtectStatus === 'ALLOW').map(
      (rule) => rule.CountryCode,
    );
    expect(allowed.sort()).toEqual(['CA', 'US']);
    expect(properties.CountryRuleSet.SMS.length).toBeGreaterThan(200);
  });

  it('alarms when the daily SMS budget is spent, counting the line the SMS outbox logs', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: Match.stringLikeRegexp('SMS daily budget exhausted'),
      MetricTransformations: [Match.objectLike({ MetricName: 'SmsDailyBudgetExhausted', MetricValue: '1' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SmsDailyBudgetExhausted',
      Threshold: 0,
      AlarmDescription: Match.stringLikeRegexp('200 confirmations'),
      AlarmActions: [Match.anyValue()],
    });
  });
});
