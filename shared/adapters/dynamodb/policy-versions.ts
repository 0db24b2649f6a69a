import { QueryCommand, TransactWriteItemsCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { PolicyVersion } from '../../domain/policy/policy-version.js';
import type { PolicyVersions } from '../../ports/policy-versions.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

/** How long a function trusts the version it read; a new version reaches every function within it. */
const CACHE_MS = 60_000;

/**
 * Policy versions in the table, under one partition sorted by effective time. Until one is stored,
 * the version of the deployment config is in force.
 */
export class DynamoDbPolicyVersions implements PolicyVersions {
  private cached: { value: PolicyVersion; until: number } | undefined;

  constructor(
    private readonly tableName: string,
    private readonly configured: PolicyVersion,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async inForce(at: Date): Promise<PolicyVersion> {
    if (this.cached && this.cached.until > at.getTime()) return this.cached.value;
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :now',
        ExpressionAttributeValues: marshall({
          ':pk': keys.policyPartition,
          ':first': 'VERSION#',
          ':now': `VERSION#${at.toISOString()}~`,
        }),
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = result.Items?.[0] ? (unmarshall(result.Items[0]) as PolicyVersion) : undefined;
    const stored = item
      ? { version: item.version, effectiveAt: item.effectiveAt, summary: item.summary, url: item.url }
      : undefined;
    // The stored version wins only once it is as new as the configured one.
    const value = stored && stored.effectiveAt >= this.configured.effectiveAt ? stored : this.configured;
    this.cached = { value, until: at.getTime() + CACHE_MS };
    return value;
  }

  async add(version: PolicyVersion & { createdBy: string; createdAt: string }): Promise<boolean> {
    const put = (item: Record<string, unknown>) => ({
      Put: { TableName: this.tableName, Item: marshall(item), ConditionExpression: 'attribute_not_exists(pk)' },
    });
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            put({ ...keys.policyVersion(version.effectiveAt, version.version), entity: 'policy_version', ...version }),
            // A version name is used once, whatever its effective time.
            put({ ...keys.policyVersionName(version.version), entity: 'policy_version_name' }),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
    this.cached = undefined;
    return true;
  }
}

let shared: DynamoDbPolicyVersions | undefined;

/** The process's policy versions, sharing one short cache. */
export function policyVersions(config: {
  TABLE_NAME: string;
  POLICY_VERSION: string;
  POLICY_EFFECTIVE_AT: string;
  POLICY_SUMMARY: string;
  POLICY_URL: string;
}): DynamoDbPolicyVersions {
  shared ??= new DynamoDbPolicyVersions(config.TABLE_NAME, {
    version: config.POLICY_VERSION,
    effectiveAt: config.POLICY_EFFECTIVE_AT,
    summary: config.POLICY_SUMMARY,
    url: config.POLICY_URL,
  });
  return shared;
}
