import { randomUUID } from 'node:crypto';
import type { SNSEvent, ScheduledEvent } from 'aws-lambda';

/** Events shaped as AWS delivers them, for the local routes that stand in for SNS and EventBridge. */

/** One SNS notification, as Lambda receives it from a topic subscription. */
export function snsEvent(topicName: string, message: unknown): SNSEvent {
  const topicArn = `arn:aws:sns:us-east-1:000000000000:${topicName}`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/local.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** The two-way SMS message AWS End User Messaging publishes for a text to our number. */
export function inboundSmsMessage(from: string, to: string, body: string) {
  return {
    originationNumber: from,
    destinationNumber: to,
    messageKeyword: body.trim().split(/\s+/)[0]?.toUpperCase() ?? '',
    messageBody: body,
    inboundMessageId: randomUUID(),
    previousPublishedMessageId: '',
  };
}

/** An SES configuration-set event for a bounce or a complaint. */
export function sesEventMessage(type: 'bounce' | 'complaint', email: string, bounceType = 'Permanent') {
  const timestamp = new Date().toISOString();
  const mail = { timestamp, messageId: randomUUID(), source: 'local', destination: [email] };
  if (type === 'complaint') {
    return {
      eventType: 'Complaint',
      mail,
      complaint: { feedbackId: randomUUID(), timestamp, complainedRecipients: [{ emailAddress: email }] },
    };
  }
  return {
    eventType: 'Bounce',
    mail,
    bounce: {
      bounceType,
      bounceSubType: 'General',
      feedbackId: randomUUID(),
      timestamp,
      bouncedRecipients: [{ emailAddress: email }],
    },
  };
}

/** An EventBridge scheduled event. */
export function scheduledEvent(ruleName: string, time: Date = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: time.toISOString(),
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:000000000000:rule/${ruleName}`],
    detail: {},
  };
}
