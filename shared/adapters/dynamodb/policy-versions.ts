import { QueryCommand, TransactWriteItemsCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Campaign } from '../../domain/campaigns/campaign.js';
import { POLICY_CACHE_SECONDS } from '../../domain/policy/policy-version.js';
import type { PolicyVersion } from '../../domain/policy/policy-version.js';
import type { PolicyVersions } from '../../ports/policy-versions.js';
import { campaignPut } from './campaign-store.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

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

  /**
   * The version in force at `at`. The answer is kept for `POLICY_CACHE_SECONDS`, or until the next
   * stored version takes effect if that comes first. A version stored later takes effect no sooner
   * than the cache lifetime after it is stored, so no cached answer outlives it.
   */
  async inForce(at: Date): Promise<PolicyVersion> {
    if (this.cached && this.cached.until > at.getTime()) return this.cached.value;
    const now = `VERSION#${at.toISOString()}~`;
    const [latest, next] = await Promise.all([
      this.firstVersion({ from: 'VERSION#', to: now, newestFirst: true }),
      // '~' sorts after every ISO timestamp character, so this range is everything after `at`.
      this.firstVersion({ from: now, to: 'VERSION#~', newestFirst: false }),
    ]);
    // The stored version wins only once it is as new as the configured one.
    const value = latest && latest.effectiveAt >= this.configured.effectiveAt ? latest : this.configured;
    const expires = at.getTime() + POLICY_CACHE_SECONDS * 1000;
    this.cached = { value, until: next ? Math.min(expires, Date.parse(next.effectiveAt)) : expires };
    return value;
  }

  private async firstVersion(range: { from: string; to: string; newestFirst: boolean }): Promise<PolicyVersion | undefined> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: marshall({ ':pk': keys.policyPartition, ':from': range.from, ':to': range.to }),
        ScanIndexForward: !range.newestFirst,
        Limit: 1,
      }),
    );
    const item = result.Items?.[0] ? (unmarshall(result.Items[0]) as PolicyVersion) : undefined;
    return item ? { version: item.version, effectiveAt: item.effectiveAt, summary: item.summary, url: item.url } : undefined;
  }

  async add(version: PolicyVersion & { createdBy: string; createdAt: string }, notice?: Campaign): Promise<boolean> {
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
            // The notice of a significant change is stored with the version or not at all.
            ...(notice ? [{ Put: campaignPut(this.tableName, notice) }] : []),
          ],
        }),
      );
    } catch (error) {
      // Only the version's own puts failing their condition mean "that version exists".
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons.slice(0, 2).some((reason) => reason.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
    return true;
  }
}

let shared: DynamoDbPolicyVersions | undefined;

/** This function's policy versions: one short cache per function instance, as each Lambda has its own. */
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
