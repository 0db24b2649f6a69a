import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import { Construct } from 'constructs';
import { getCountries } from 'libphonenumber-js';
import { SMS_BUDGET_EXHAUSTED } from '../../shared/domain/inquiries/send-follow-ups.js';

export interface SmsSafeguardsProps {
  /** ISO 3166 countries whose numbers may be texted. */
  allowedCountries: readonly string[];
  /** SMS opt-in confirmations the deployment sends per UTC day. */
  dailyBudget: number;
  /** The SMS outbox's log group: it logs one line per text it holds back once the budget is spent. */
  smsOutboxLogs: logs.ILogGroup;
  alarmAction: cloudwatch.IAlarmAction;
}

/**
 * What keeps SMS pumping cheap: the provider texts only the configured countries, and an alarm
 * fires when the deployment's daily SMS budget is spent.
 */
export class SmsSafeguards extends Construct {
  constructor(scope: Construct, id: string, props: SmsSafeguardsProps) {
    super(scope, id);
    const protect = new smsvoice.CfnProtectConfiguration(this, 'ProtectConfiguration', {
      deletionProtectionEnabled: true,
      countryRuleSet: {
        sms: getCountries().map((countryCode) => ({
          countryCode,
          protectStatus: props.allowedCountries.includes(countryCode) ? 'ALLOW' : 'BLOCK',
        })),
      },
    });
    // Deletion protection forbids a replacement: keep the logical ID it had as a child of the stack.
    protect.overrideLogicalId('SmsProtectConfiguration');

    const budgetSpent = new logs.MetricFilter(this, 'DailyBudgetSpentFilter', {
      logGroup: props.smsOutboxLogs,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', SMS_BUDGET_EXHAUSTED),
      metricNamespace: 'Forecourt',
      metricName: 'SmsDailyBudgetExhausted',
      metricValue: '1',
    });
    new cloudwatch.Alarm(this, 'DailyBudgetAlarm', {
      alarmDescription: `The daily SMS budget (${props.dailyBudget} confirmations) is spent: later opt-in texts wait for tomorrow. Look for SMS pumping.`,
      metric: budgetSpent.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(props.alarmAction);
  }
}
