import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { functionEnvironment } from '../config.js';
import type { DeploymentConfig } from '../config.js';
import type { AwsAccess, CampaignQueue, QueueName, ShippedFile, TableAction } from '../../shared/routes.js';
import { BUNDLE_ALIASES, BUNDLE_INJECT, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../bundling.js';
import { functionLimits } from '../../shared/function-limits.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** What a function may do with the data key. */
export type DataKeyAction = 'kms:Decrypt' | 'kms:DescribeKey' | 'kms:Encrypt' | 'kms:GenerateDataKey';

/** The table actions that only read; the others write. */
const TABLE_READS: ReadonlySet<TableAction> = new Set<TableAction>(['GetItem', 'BatchGetItem', 'Query']);

export interface ForecourtFunctionProps {
  /** The handler's entry file, relative to the repository root (as in `shared/routes.ts`). */
  entry: string;
  config: DeploymentConfig;
  /** The table, its indexes, the app secret, the campaign queues and the key that encrypts them all. */
  data: {
    tableArn: string;
    tableName: string;
    indexNames: readonly string[];
    appSecretArn: string;
    keyArn: string;
    campaignQueueUrls: Record<CampaignQueue, string>;
    /** Every work queue's ARN, the analytics queue's included. */
    campaignQueueArns: Record<QueueName, string>;
    analyticsQueueUrl: string;
  };
  /** What the function's code calls in AWS, from its entry in `shared/routes.ts`: granted exactly. */
  aws: AwsAccess;
  /** Files built and shipped beside the bundle (`shared/routes.ts`), such as the analytics network asset. */
  files?: readonly ShippedFile[];
  timeout?: Duration;
  memorySize?: number;
  /** For functions invoked asynchronously (SNS, EventBridge): where failed invocations go. */
  deadLetterQueue?: sqs.IQueue;
  /** Where the function's own errors alarm notifies. */
  alarmAction: cloudwatch.IAlarmAction;
}

/**
 * Bundling hooks that build each shipped file when it is missing or stale, then copy it beside the
 * bundle (`<asset>/<file name>`), where the code reads it at run time.
 */
function shippedFileHooks(files: readonly ShippedFile[]) {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      files.flatMap((file) => [
        `npx tsx "${join(inputDir, file.build)}" --ensure "${join(inputDir, file.path)}"`,
        `cp "${join(inputDir, file.path)}" "${join(outputDir, file.path.split('/').pop() ?? file.path)}"`,
      ]),
  };
}

/**
 * The house Lambda function: Node.js 24 on arm64, X-Ray tracing, a log group with retention, and
 * esbuild bundling with the AWS SDK clients bundled in (not the runtime's copy). Its role allows
 * exactly the AWS calls its `AwsAccess` declaration names, on the resources it uses.
 */
export class ForecourtFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  /** The function's AWS access as `shared/routes.ts` declares it. */
  readonly aws: AwsAccess;
  private readonly data: ForecourtFunctionProps['data'];
  private keyStatement: iam.PolicyStatement | undefined;
  private readonly keyActions = new Set<DataKeyAction>();

  constructor(scope: Construct, id: string, props: ForecourtFunctionProps) {
    super(scope, id);
    this.aws = props.aws;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? functionLimits(props.entry).memoryMb,
      timeout: props.timeout ?? Duration.seconds(functionLimits(props.entry).timeoutSeconds),
      ...(functionLimits(props.entry).reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: functionLimits(props.entry).reservedConcurrency }),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 } : {}),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Secrets are read through the extension's local HTTP API: no Secrets Manager SDK in the bundle.
      paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
        secretsManagerTtl: Duration.minutes(5),
      }),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      // No NODE_OPTIONS=--enable-source-maps: Node would read and parse each bundle's map while
      // loading it, on every cold start. The injected formatter reads it when a trace is formatted.
      environment: functionEnvironment(props.config, {
        tableName: props.data.tableName,
        secretId: props.data.appSecretArn,
        campaignQueueUrls: props.data.campaignQueueUrls,
        analyticsQueueUrl: props.data.analyticsQueueUrl,
      }),
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: BUNDLE_TARGET,
        platform: 'node',
        minify: true,
        sourceMap: true,
        // File names, lines and columns are what a trace needs; the sources themselves only made
        // the map four times larger.
        sourcesContent: false,
        inject: BUNDLE_INJECT.map((file) => join(REPO_ROOT, file)),
        mainFields: ['module', 'main'],
        // Bundle the SDK clients the code imports rather than use the runtime's copy (SPEC §7).
        bundleAwsSDK: true,
        externalModules: [],
        banner: ESM_REQUIRE_BANNER,
        esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([name, path]) => [`--alias:${name}`, path])),
        forceDockerBundling: false,
        ...(props.files && props.files.length > 0 ? { commandHooks: shippedFileHooks(props.files) } : {}),
      },
    });
    this.data = props.data;
    this.grantAccess(props.aws, props.config);
    // Each function owns its errors alarm, whatever order the functions are created in.
    new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `Errors in ${id}.`,
      metric: this.function.metricErrors({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(props.alarmAction);
    // Failed asynchronous invocations go to an encrypted queue, sent with the function's role.
    if (props.deadLetterQueue) this.useDataKey('kms:GenerateDataKey', 'kms:Decrypt');
    Validations.of(this.function).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only lets the function write its own log streams.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) has no resource-level permissions, so it takes "*".',
      },
    );
  }

  /**
   * Lets the function use the data key for these actions (the table, the secret and the queues are
   * all encrypted with it). Triggers call this too: an encrypted queue's poller or dead-letter
   * queue needs the key under the function's role.
   */
  useDataKey(...actions: DataKeyAction[]): void {
    const missing = [...new Set(actions)].filter((action) => !this.keyActions.has(action));
    if (missing.length === 0) return;
    for (const action of missing) this.keyActions.add(action);
    if (this.keyStatement) {
      this.keyStatement.addActions(...missing);
      return;
    }
    this.keyStatement = new iam.PolicyStatement({ actions: missing, resources: [this.data.keyArn] });
    this.function.addToRolePolicy(this.keyStatement);
  }

  /** The grants of the function's `AwsAccess` declaration (`shared/routes.ts`), and nothing more. */
  private grantAccess(access: AwsAccess, config: DeploymentConfig): void {
    const stack = Stack.of(this);
    const { table = [], email = [], sms = [], sendsTo = [] } = access;
    const reads = table.filter((action) => TABLE_READS.has(action));
    const writes = table.filter((action) => !TABLE_READS.has(action));
    const { tableArn, indexNames } = this.data;
    if (reads.length > 0) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: reads.map((action) => `dynamodb:${action}`),
          resources: [tableArn, ...indexNames.map((index) => `${tableArn}/index/${index}`)],
        }),
      );
    }
    // Items are written to the table only; an index is never a write target.
    if (writes.length > 0) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: writes.map((action) => `dynamodb:${action}`), resources: [tableArn] }),
      );
    }
    if (table.length > 0) this.useDataKey('kms:Decrypt', 'kms:DescribeKey');
    if (writes.length > 0) this.useDataKey('kms:Encrypt', 'kms:GenerateDataKey');
    if (access.secret) {
      // The Parameters and Secrets extension calls GetSecretValue with the function's own credentials.
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.data.appSecretArn] }),
      );
      this.useDataKey('kms:Decrypt');
    }
    if (email.length > 0) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: email.map((action) => `ses:${action}`),
          resources: [
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: config.senderAddress }),
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: config.senderAddress.split('@')[1] ?? '' }),
            stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: config.sesConfigurationSet }),
          ],
        }),
      );
    }
    if (sms.includes('Publish')) {
      // A publish to a phone number has no resource ARN, so IAM accepts only "*" for it. The deny
      // takes back every publish that does name an ARN (any topic or platform endpoint, any account):
      // what is left is texting phone numbers.
      this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: ['sns:Publish'],
          resources: [`arn:${stack.partition}:sns:*:*:*`],
        }),
      );
    }
    if (sms.includes('ListPhoneNumbersOptedOut')) {
      // An account-level list: the action has no resource type.
      this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:ListPhoneNumbersOptedOut'], resources: ['*'] }));
    }
    if (sendsTo.length > 0) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sqs:SendMessage'],
          resources: sendsTo.map((queue) => this.data.campaignQueueArns[queue]),
        }),
      );
      // The campaign queues are encrypted with the data key: a producer makes and uses data keys.
      this.useDataKey('kms:GenerateDataKey', 'kms:Decrypt');
    }
  }
}
