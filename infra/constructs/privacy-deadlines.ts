import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PRIVACY_REQUEST_DUE } from '../../shared/domain/privacy/overdue.js';

export interface PrivacyDeadlinesProps {
  /** The daily overdue job's log group: one line per request near or past a due date. */
  overdueJobLogs: logs.ILogGroup;
  alarmAction: cloudwatch.IAlarmAction;
}

/**
 * The alarm on the privacy requests' legal clocks (acknowledge within 10 business days, answer
 * within 45 days, at most 90 with an extension): the daily job logs each request near or past a
 * due date, and any such line raises the alarm.
 */
export class PrivacyDeadlines extends Construct {
  constructor(scope: Construct, id: string, props: PrivacyDeadlinesProps) {
    super(scope, id);
    const due = new logs.MetricFilter(this, 'RequestDueFilter', {
      logGroup: props.overdueJobLogs,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', PRIVACY_REQUEST_DUE),
      metricNamespace: 'Forecourt',
      metricName: 'PrivacyRequestsDue',
      metricValue: '1',
    });
    new cloudwatch.Alarm(this, 'RequestDueAlarm', {
      alarmDescription:
        'A privacy request is within 2 business days of, or past, its acknowledgement or answer date. See GET /admin/privacy-requests and the job log for the request ids.',
      metric: due.metric({ statistic: 'Sum', period: Duration.hours(1) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(props.alarmAction);
  }
}
