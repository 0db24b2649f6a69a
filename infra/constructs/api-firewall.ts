import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Requests per 5 minutes (WAF's default evaluation window) per client IP on the public routes before WAF blocks. */
export const PUBLIC_RATE_LIMIT_PER_5_MIN = 300;

/**
 * Requests per 5 minutes per client IP on the admin routes. Higher than the public limit, since
 * staff screens make several calls a page, but it counts every request to those paths, signed in
 * or not: an unauthenticated flood of `/v1/admin` is held to it before API Gateway sees it.
 */
export const ADMIN_RATE_LIMIT_PER_5_MIN = 1500;

/** The admin paths, as API Gateway's stage serves them. */
const ADMIN_PATH_PREFIX = '/v1/admin';

/**
 * The request path as the API resolves it, before it is compared: percent-decoded (`/v1/%61dmin`),
 * with `//`, `./` and `../` collapsed, and lowercased. Both rules compare the same normalised
 * path, so every request counts against exactly one of the two limits.
 */
const NORMALISED_PATH: wafv2.CfnWebACL.TextTransformationProperty[] = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
  { priority: 2, type: 'LOWERCASE' },
];

const adminPath: wafv2.CfnWebACL.StatementProperty = {
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    searchString: ADMIN_PATH_PREFIX,
    textTransformations: NORMALISED_PATH,
  },
};

/** A per-IP rate rule that answers 429 with the JSON error shape's Retry-After. */
function rateRule(
  name: string,
  priority: number,
  limit: number,
  scopeDownStatement: wafv2.CfnWebACL.StatementProperty,
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    action: { block: { customResponse: { responseCode: 429, responseHeaders: [{ name: 'Retry-After', value: '300' }] } } },
    statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', scopeDownStatement } },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  };
}

export interface ApiFirewallProps {
  /** The ARN of the API stage the web ACL guards. */
  stageArn: string;
}

/**
 * The WAF web ACL in front of the API stage (SPEC §6): a per-IP rate limit on the public routes, a
 * higher one on the admin routes (every request counts, authenticated or not), and AWS's common
 * rule set.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'forecourt-web-acl', sampledRequestsEnabled: true },
      rules: [
        rateRule('public-rate-limit', 0, PUBLIC_RATE_LIMIT_PER_5_MIN, { notStatement: { statement: adminPath } }),
        rateRule('admin-rate-limit', 1, ADMIN_RATE_LIMIT_PER_5_MIN, adminPath),
        {
          name: 'aws-common-rules',
          priority: 2,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'aws-common-rules', sampledRequestsEnabled: true },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
