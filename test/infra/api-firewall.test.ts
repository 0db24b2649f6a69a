import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_RATE_LIMIT_PER_5_MIN, ApiFirewall, PUBLIC_RATE_LIMIT_PER_5_MIN } from '../../infra/constructs/api-firewall.js';

interface Rule {
  Name: string;
  Priority: number;
  Statement: { RateBasedStatement?: { Limit: number; AggregateKeyType: string; ScopeDownStatement: Record<string, unknown> } };
  Action?: unknown;
}

/** The admin-path match both rate rules use: percent-decoded, path-normalised, lowercased. */
const NORMALISED_ADMIN_PATH = {
  ByteMatchStatement: {
    FieldToMatch: { UriPath: {} },
    PositionalConstraint: 'STARTS_WITH',
    SearchString: '/v1/admin',
    TextTransformations: [
      { Priority: 0, Type: 'URL_DECODE' },
      { Priority: 1, Type: 'NORMALIZE_PATH' },
      { Priority: 2, Type: 'LOWERCASE' },
    ],
  },
};

let template: Template;
let rules: Rule[];

beforeAll(() => {
  // Arrange: the construct alone, in front of a stage given by ARN.
  const stack = new Stack(new App(), 'FirewallOnly');
  new ApiFirewall(stack, 'Firewall', { stageArn: 'arn:aws:apigateway:us-east-1::/restapis/abc/stages/v1' });
  template = Template.fromStack(stack);
  const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
  rules = (acl?.Properties as { Rules: Rule[] }).Rules;
});

describe('ApiFirewall', () => {
  it('guards the stage with one regional web ACL', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: 'arn:aws:apigateway:us-east-1::/restapis/abc/stages/v1',
    });
  });

  it('rate-limits every public route per IP, except the admin paths as the API resolves them', () => {
    const rule = rules.find((candidate) => candidate.Name === 'public-rate-limit');
    expect(rule?.Statement.RateBasedStatement).toEqual({
      Limit: PUBLIC_RATE_LIMIT_PER_5_MIN,
      AggregateKeyType: 'IP',
      ScopeDownStatement: { NotStatement: { Statement: NORMALISED_ADMIN_PATH } },
    });
  });

  it('rate-limits every request to the admin paths too, signed in or not, with a higher limit', () => {
    const rule = rules.find((candidate) => candidate.Name === 'admin-rate-limit');
    expect(rule?.Statement.RateBasedStatement).toEqual({
      Limit: ADMIN_RATE_LIMIT_PER_5_MIN,
      AggregateKeyType: 'IP',
      ScopeDownStatement: NORMALISED_ADMIN_PATH,
    });
    expect(ADMIN_RATE_LIMIT_PER_5_MIN).toBeGreaterThan(PUBLIC_RATE_LIMIT_PER_5_MIN);
  });

  it('answers a blocked request 429 with Retry-After, and runs the rate rules before the managed rules', () => {
    for (const name of ['public-rate-limit', 'admin-rate-limit']) {
      expect(rules.find((rule) => rule.Name === name)?.Action).toEqual({
        Block: { CustomResponse: { ResponseCode: 429, ResponseHeaders: [{ Name: 'Retry-After', Value: '300' }] } },
      });
    }
    const managed = rules.find((rule) => rule.Name === 'aws-common-rules');
    expect(Math.max(...rules.filter((rule) => rule !== managed).map((rule) => rule.Priority))).toBeLessThan(
      managed?.Priority ?? -1,
    );
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
        }),
      ]),
    });
  });
});
