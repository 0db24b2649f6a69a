import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { functionEnvironment } from '../config.js';
import type { DeploymentConfig } from '../config.js';
import { BUNDLE_ALIASES, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../bundling.js';
import { functionLimits } from '../../shared/function-limits.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface ForecourtFunctionProps {
  /** The handler's entry file, relative to the repository root (as in `shared/routes.ts`). */
  entry: string;
  config: DeploymentConfig;
  /** The table, its indexes, the app secret and the key that encrypts both. */
  data: {
    tableArn: string;
    tableName: string;
    indexNames: readonly string[];
    appSecretArn: string;
    keyArn: string;
    campaignQueueUrls: { plan: string; email: string; sms: string };
  };
  timeout?: Duration;
  memorySize?: number;
  /** For functions invoked asynchronously (SNS, EventBridge): where failed invocations go. */
  deadLetterQueue?: sqs.IQueue;
}

/**
 * The house Lambda function: Node.js 24 on arm64, X-Ray tracing, a log group with retention, and
 * esbuild bundling with the AWS SDK clients bundled in (not the runtime's copy). Access to the
 * table and the secret is granted in the same place that names them in the environment.
 */
export class ForecourtFunction extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: ForecourtFunctionProps) {
    super(scope, id);
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
      environment: {
        ...functionEnvironment(props.config, {
          tableName: props.data.tableName,
          secretId: props.data.appSecretArn,
          campaignQueueUrls: props.data.campaignQueueUrls,
        }),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: BUNDLE_TARGET,
        platform: 'node',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // Bundle the SDK clients the code imports rather than use the runtime's copy (SPEC §7).
        bundleAwsSDK: true,
        externalModules: [],
        banner: ESM_REQUIRE_BANNER,
        esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([name, path]) => [`--alias:${name}`, path])),
        forceDockerBundling: false,
      },
    });
    this.grantData(props.data);
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
   * The one grant and the one environment for the data: item-level actions on the table and its
   * named indexes (no wildcards), reading the app secret, and using the key that encrypts them.
   */
  private grantData(data: ForecourtFunctionProps['data']): void {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DescribeTable',
        ],
        resources: [data.tableArn, ...data.indexNames.map((index) => `${data.tableArn}/index/${index}`)],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [data.appSecretArn],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [data.keyArn],
      }),
    );
  }
}
