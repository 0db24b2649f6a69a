import { Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeRoles } from '../../shared/routes.js';
import type { HttpRoute } from '../../shared/routes.js';

/** The error shape of SPEC §3 for answers API Gateway gives itself. */
const errorTemplate = (code: string, message: string) =>
  `{"error":{"code":"${code}","message":"${message}","requestId":"$context.requestId"}}`;

/** The answers API Gateway gives itself, in the JSON error shape: type, status, code, message. */
const GATEWAY_ERRORS: [apigateway.ResponseType, string, string, string][] = [
  [apigateway.ResponseType.UNAUTHORIZED, '401', 'unauthorized', 'A valid staff token is required.'],
  [apigateway.ResponseType.ACCESS_DENIED, '403', 'forbidden', 'Your role may not do this.'],
  [apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'not_found', 'No such route.'],
  [apigateway.ResponseType.REQUEST_TOO_LARGE, '413', 'payload_too_large', 'The request body is too large.'],
  [apigateway.ResponseType.THROTTLED, '429', 'rate_limited', 'Too many requests; retry later.'],
  [apigateway.ResponseType.DEFAULT_5XX, '500', 'internal_error', 'Something went wrong on our side.'],
];

export interface PublicApiProps {
  /** The routes to serve (`HTTP_ROUTES`). */
  routes: readonly HttpRoute[];
  /** The function that serves a route. */
  handlerOf: (route: HttpRoute) => lambda.IFunction;
  /** The staff pool whose tokens open the staff routes. */
  userPool: cognito.IUserPool;
}

/**
 * The REST API of SPEC §3 and §4 from the one route table: a throttled `v1` stage with access logs
 * (never bodies) and tracing, API Gateway's own errors in the JSON error shape, and a Cognito
 * authorizer on the staff routes only.
 */
export class PublicApi extends Construct {
  readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    // "Default": the REST API keeps the logical IDs it had as a child of the stack.
    this.api = new apigateway.RestApi(this, 'Default', {
      restApiName: 'forecourt',
      description: 'Forecourt public and admin API',
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Request bodies hold personal data: never log them.
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
    });
    for (const [type, statusCode, code, message] of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Gateway-${code}`, {
        type,
        statusCode,
        responseHeaders: {
          'X-Request-Id': 'context.requestId',
          'X-Content-Type-Options': "'nosniff'",
          ...(code === 'rate_limited' ? { 'Retry-After': "'60'" } : {}),
        },
        templates: { 'application/json': errorTemplate(code, message) },
      });
    }
    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', {
      cognitoUserPools: [props.userPool],
    });

    const publicMethods: apigateway.Method[] = [];
    for (const route of props.routes) {
      const resource = this.api.root.resourceForPath(route.path);
      const integration = new apigateway.LambdaIntegration(props.handlerOf(route));
      if (route.access === 'staff') {
        routeRoles(route);
        resource.addMethod(route.method, integration, { authorizer, authorizationType: apigateway.AuthorizationType.COGNITO });
      } else {
        publicMethods.push(resource.addMethod(route.method, integration));
      }
      // The handler's middleware answers CORS preflight for the configured origins only.
      if (!resource.node.tryFindChild('OPTIONS')) publicMethods.push(resource.addMethod('OPTIONS', integration));
    }
    for (const method of publicMethods) {
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-APIG4',
          reason: 'A public website route (SPEC §3): visitors are anonymous; WAF rate-limits it.',
        },
        { id: 'AwsSolutions::AwsSolutions-COG4', reason: 'A public website route (SPEC §3): there is no user to authenticate.' },
      );
    }
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-APIG2',
        reason: 'Every handler validates its body with a strict zod schema and answers the errors of SPEC §3.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: "API Gateway's account-level CloudWatch role uses the AWS-managed push-to-logs policy.",
      },
    );
  }
}
