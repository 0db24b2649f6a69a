import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { STAFF_ROLES } from '../shared/domain/staff.js';
import { TABLE_SCHEMA } from '../shared/table.js';
import { ANALYTICS_QUEUE_EVENT_SOURCE, QUEUE_EVENT_SOURCE } from '../shared/event-sources.js';

/**
 * Everything that holds data or identity and must outlive a redeploy: the table and its key, the
 * application secret, the dead-letter queues and the staff user pool.
 */
export class StatefulStack extends Stack {
  readonly key: kms.Key;
  readonly table: dynamodb.TableV2;
  readonly appSecret: secretsmanager.Secret;
  readonly outboxDeadLetters: sqs.Queue;
  readonly asyncDeadLetters: sqs.Queue;
  readonly campaignQueues: Record<'plan' | 'email' | 'sms', sqs.Queue>;
  readonly campaignDeadLetters: sqs.Queue;
  /** The beacon's counts, aggregated by the analytics consumer a batch at a time. */
  readonly analyticsQueue: sqs.Queue;
  readonly analyticsDeadLetters: sqs.Queue;
  readonly userPool: cognito.UserPool;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.key = new kms.Key(this, 'DataKey', {
      description: 'Forecourt: encrypts the table, the secret and the queues',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms, SES event publishing and two-way SMS publish to KMS-encrypted topics.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: ['cloudwatch.amazonaws.com', 'ses.amazonaws.com', 'sms-voice.amazonaws.com'].map(
          (service) => new iam.ServicePrincipal(service),
        ),
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    const attribute = (spec: { name: string }) => ({ name: spec.name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: attribute(TABLE_SCHEMA.partitionKey),
      sortKey: attribute(TABLE_SCHEMA.sortKey),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      dynamoStream: dynamodb.StreamViewType[TABLE_SCHEMA.streamView],
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
      globalSecondaryIndexes: TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
      })),
    });

    this.appSecret = new secretsmanager.Secret(this, 'AppSecret', {
      description: 'Forecourt: seed of the link-token keys and the address salt (see shared/domain/app-secrets.ts)',
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: 'k1' }),
        generateStringKey: 'seed',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    Validations.of(this.appSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The seed is the root of the address salt, which must never change so that suppressions outlive erasure. ' +
        'Token keys rotate by setting "current" to a new id, which needs no rotation Lambda.',
    });

    /** An encrypted dead-letter queue; cdk-nag's "no DLQ of its own" finding is acknowledged with `whose`. */
    const deadLetterQueue = (id: string, whose: string) => {
      const queue = new sqs.Queue(this, id, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter queue ${whose}.`,
      });
      return queue;
    };
    this.outboxDeadLetters = deadLetterQueue('OutboxDeadLetters', 'of the outbox stream consumers');

    this.asyncDeadLetters = deadLetterQueue('AsyncDeadLetters', 'of the SNS- and schedule-invoked functions');

    this.campaignDeadLetters = deadLetterQueue('CampaignDeadLetters', 'of the campaign work queues');
    const campaignQueue = (id: string) =>
      new sqs.Queue(this, id, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        // Six times the consumer's timeout, as Lambda advises for SQS event sources.
        visibilityTimeout: Duration.minutes(30),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: this.campaignDeadLetters, maxReceiveCount: QUEUE_EVENT_SOURCE.maxReceiveCount },
      });
    this.campaignQueues = {
      plan: campaignQueue('CampaignPlanQueue'),
      email: campaignQueue('CampaignEmailQueue'),
      sms: campaignQueue('CampaignSmsQueue'),
    };

    this.analyticsDeadLetters = deadLetterQueue('AnalyticsDeadLetters', 'of the analytics queue');
    this.analyticsQueue = new sqs.Queue(this, 'AnalyticsQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      // Six times the aggregator's timeout, as Lambda advises for SQS event sources.
      visibilityTimeout: Duration.minutes(30),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.analyticsDeadLetters, maxReceiveCount: ANALYTICS_QUEUE_EVENT_SOURCE.maxReceiveCount },
    });

    this.userPool = new cognito.UserPool(this, 'StaffUserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of STAFF_ROLES) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Forecourt staff role "${role}" (SPEC §4)`,
      });
    }
  }
}
