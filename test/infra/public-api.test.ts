import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { PublicApi } from '../../infra/constructs/public-api.js';
import { HTTP_ROUTES, functionName } from '../../shared/routes.js';

let template: Template;

beforeAll(() => {
  // Arrange: the construct alone, over the route table, with a stand-in function per entry.
  const stack = new Stack(new App(), 'ApiOnly');
  const handlers = new Map<string, lambda.Function>();
  const handlerOf = ({ entry }: { entry: string }) => {
    let fn = handlers.get(entry);
    if (!fn) {
      fn = new lambda.Function(stack, functionName(entry), {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('export const handler = async () => ({ statusCode: 200 });'),
      });
      handlers.set(entry, fn);
    }
    return fn;
  };
  new PublicApi(stack, 'Api', {
    routes: HTTP_ROUTES,
    handlerOf,
    userPool: cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_example'),
  });
  template = Template.fromStack(stack);
});

describe('PublicApi', () => {
  it('serves every route of the route table, with the Cognito authorizer on staff routes only', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const staff = methods.filter((method) => method.Properties.AuthorizationType === 'COGNITO_USER_POOLS');
    expect(staff).toHaveLength(HTTP_ROUTES.filter((route) => route.access === 'staff').length);
    for (const route of HTTP_ROUTES) {
      expect(methods.some((method) => method.Properties.HttpMethod === route.method)).toBe(true);
    }
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
  });

  it('answers CORS preflight on every resource it serves, through the handler', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const paths = new Set(HTTP_ROUTES.map((route) => route.path));
    expect(methods.filter((method) => method.Properties.HttpMethod === 'OPTIONS')).toHaveLength(paths.size);
  });

  it('throttles the v1 stage, traces it, writes access logs and never logs request bodies', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DataTraceEnabled: false })],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('answers API Gateway’s own errors in the JSON error shape, with Retry-After on throttling', () => {
    for (const [type, status, code] of [
      ['UNAUTHORIZED', '401', 'unauthorized'],
      ['ACCESS_DENIED', '403', 'forbidden'],
      ['MISSING_AUTHENTICATION_TOKEN', '404', 'not_found'],
      ['REQUEST_TOO_LARGE', '413', 'payload_too_large'],
      ['DEFAULT_5XX', '500', 'internal_error'],
    ]) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: status,
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`"code":"${code}"`) },
      });
    }
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      StatusCode: '429',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'60'" }),
    });
  });
});
