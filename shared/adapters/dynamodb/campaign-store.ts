import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { EMPTY_RUN_COUNTS } from '../../domain/campaigns/campaign.js';
import type { Campaign, CampaignRun, RunCounts } from '../../domain/campaigns/campaign.js';
import type { Channel } from '../../domain/consent.js';
import type { CampaignStore } from '../../ports/campaign-store.js';
import { dynamoDbClient } from './client.js';
import { keys } from './keys.js';

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true });

/** The sparse "due" index entry of a campaign with a next run. */
const dueKeys = (campaign: Pick<Campaign, 'campaignId' | 'nextRunAt'>) =>
  campaign.nextRunAt ? { gsi1pk: keys.campaignsDue, gsi1sk: `${campaign.nextRunAt}#${campaign.campaignId}` } : {};

/** The sparse index partition of runs started but not yet queued for planning. */
const RUNS_UNPLANNED = 'CAMPAIGN_RUNS_UNPLANNED';

/** The sparse "unplanned" index entry of a run whose planning is not yet queued, due for re-planning at `planBy`. */
const unplannedKeys = (campaignId: string, runId: string, planBy: string) => ({
  planBy,
  gsi1pk: RUNS_UNPLANNED,
  gsi1sk: `${planBy}#${campaignId}#${runId}`,
});

function campaignOf(item: Record<string, unknown>): Campaign {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, entity: _entity, ...campaign } = item;
  return campaign as unknown as Campaign;
}

/**
 * The put of a new campaign (its item and its "due" index entry), for `create` and for a write
 * that must store a campaign together with something else in one transaction.
 */
export function campaignPut(tableName: string, campaign: Campaign) {
  return {
    TableName: tableName,
    Item: toItem({ ...keys.campaign(campaign.campaignId), entity: 'campaign', ...campaign, ...dueKeys(campaign) }),
    ConditionExpression: 'attribute_not_exists(pk)',
  };
}

/** Campaigns in the table: the campaign item, a run item per run with its counters, plan markers per shard. */
export class DynamoDbCampaignStore implements CampaignStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDbClient,
  ) {}

  async create(campaign: Campaign): Promise<void> {
    await this.client.send(new PutItemCommand(campaignPut(this.tableName, campaign)));
  }

  async get(campaignId: string): Promise<Campaign | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(keys.campaign(campaignId)), ConsistentRead: true }),
    );
    return result.Item ? campaignOf(unmarshall(result.Item)) : undefined;
  }

  async cancel(campaignId: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.campaign(campaignId)),
          UpdateExpression: 'SET #status = :cancelled, cancelledAt = :at REMOVE gsi1pk, gsi1sk, nextRunAt',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :cancelled',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':cancelled': 'cancelled', ':at': at }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async due(now: Date): Promise<Campaign[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
        ExpressionAttributeValues: marshall({ ':due': keys.campaignsDue, ':now': `${now.toISOString()}~` }),
      }),
    );
    return (result.Items ?? []).map((item) => campaignOf(unmarshall(item)));
  }

  async startRun(
    campaign: Campaign,
    scheduledAt: string,
    next: string | undefined,
    planBy?: string,
  ): Promise<'started' | 'exists'> {
    const advance: TransactWriteItem = {
      Update: {
        TableName: this.tableName,
        Key: marshall(keys.campaign(campaign.campaignId)),
        UpdateExpression: next
          ? 'SET nextRunAt = :next, gsi1pk = :due, gsi1sk = :dueSk'
          : 'SET #status = :finished REMOVE nextRunAt, gsi1pk, gsi1sk',
        // Only the dispatcher that saw this run due moves the campaign on; a cancel wins.
        ConditionExpression: 'nextRunAt = :scheduledAt AND #status = :scheduled',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: toItem({
          ':scheduledAt': scheduledAt,
          ':scheduled': 'scheduled',
          ...(next
            ? { ':next': next, ':due': keys.campaignsDue, ':dueSk': `${next}#${campaign.campaignId}` }
            : { ':finished': 'finished' }),
        }),
      },
    };
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toItem({
                  ...keys.campaignRun(campaign.campaignId, scheduledAt),
                  entity: 'campaign_run',
                  runId: scheduledAt,
                  scheduledAt,
                  ...EMPTY_RUN_COUNTS,
                  ...(planBy ? unplannedKeys(campaign.campaignId, scheduledAt, planBy) : {}),
                }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            advance,
          ],
        }),
      );
      return 'started';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'exists';
      throw error;
    }
  }

  async planningQueued(campaignId: string, runId: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.campaignRun(campaignId, runId)),
        UpdateExpression: 'REMOVE planBy, gsi1pk, gsi1sk',
      }),
    );
  }

  async unplannedRuns(now: Date): Promise<{ campaignId: string; runId: string }[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :unplanned AND gsi1sk <= :now',
        ExpressionAttributeValues: marshall({ ':unplanned': RUNS_UNPLANNED, ':now': `${now.toISOString()}~` }),
      }),
    );
    return (result.Items ?? []).map((raw) => {
      const item = unmarshall(raw);
      return { campaignId: String(item.pk).replace(/^CAMPAIGN#/, ''), runId: String(item.runId) };
    });
  }

  async reclaimPlanning(campaignId: string, runId: string, now: Date, planBy: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.campaignRun(campaignId, runId)),
          UpdateExpression: 'SET planBy = :planBy, gsi1pk = :unplanned, gsi1sk = :sk',
          ConditionExpression: 'planBy <= :now',
          ExpressionAttributeValues: marshall({
            ':planBy': planBy,
            ':unplanned': RUNS_UNPLANNED,
            ':sk': `${planBy}#${campaignId}#${runId}`,
            ':now': now.toISOString(),
          }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async runs(campaignId: string): Promise<CampaignRun[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
        FilterExpression: 'entity = :entity',
        ExpressionAttributeValues: marshall({ ':pk': keys.campaign(campaignId).pk, ':run': 'RUN#', ':entity': 'campaign_run' }),
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((raw) => {
      const item = unmarshall(raw);
      const counts = Object.fromEntries(
        Object.keys(EMPTY_RUN_COUNTS).map((name) => [name, Number(item[name] ?? 0)]),
      ) as unknown as RunCounts;
      return { runId: String(item.runId), scheduledAt: String(item.scheduledAt), counts };
    });
  }

  async addCounts(campaignId: string, runId: string, counts: Partial<RunCounts>): Promise<void> {
    const entries = Object.entries(counts).filter(([, value]) => value !== undefined && value !== 0);
    if (entries.length === 0) return;
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.campaignRun(campaignId, runId)),
        UpdateExpression: `ADD ${entries.map(([name]) => `#${name} :${name}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
        ExpressionAttributeValues: marshall(Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value]))),
      }),
    );
  }

  async markPlanned(
    campaignId: string,
    runId: string,
    channel: Channel,
    shard: number,
    targeted: number,
    leftover: readonly string[],
  ): Promise<number> {
    const plannedCounter = `planned_${channel}`;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toItem({
                  ...keys.campaignPlan(campaignId, runId, channel, shard),
                  entity: 'campaign_plan',
                  targeted,
                  leftover: [...leftover],
                }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: marshall(keys.campaignRun(campaignId, runId)),
                UpdateExpression: 'ADD targeted :targeted, #planned :one',
                ExpressionAttributeNames: { '#planned': plannedCounter },
                ExpressionAttributeValues: marshall({ ':targeted': targeted, ':one': 1 }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
    }
    const run = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(keys.campaignRun(campaignId, runId)), ConsistentRead: true }),
    );
    return Number(unmarshall(run.Item ?? {})[plannedCounter] ?? 0);
  }

  async leftovers(campaignId: string, runId: string, channel: Channel): Promise<string[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :plans)',
        ExpressionAttributeValues: marshall({ ':pk': keys.campaign(campaignId).pk, ':plans': `RUN#${runId}#PLAN#${channel}#` }),
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).flatMap((item) => (unmarshall(item).leftover as string[] | undefined) ?? []);
  }

  async claimLeftovers(
    campaignId: string,
    runId: string,
    channel: Channel,
    at: string,
    leaseSeconds: number,
  ): Promise<'claimed' | 'held' | 'done'> {
    const nowSeconds = Math.floor(Date.parse(at) / 1000);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keys.campaignLeftovers(campaignId, runId, channel)),
          UpdateExpression: 'SET entity = :entity, #state = :claimed, leaseUntil = :leaseUntil',
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :claimed AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: marshall({
            ':entity': 'campaign_leftovers',
            ':claimed': 'claimed',
            ':leaseUntil': nowSeconds + leaseSeconds,
            ':now': nowSeconds,
          }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return unmarshall(error.Item ?? {}).state === 'done' ? 'done' : 'held';
    }
  }

  async leftoversDone(campaignId: string, runId: string, channel: Channel): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(keys.campaignLeftovers(campaignId, runId, channel)),
        UpdateExpression: 'SET #state = :done REMOVE leaseUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: marshall({ ':done': 'done' }),
      }),
    );
  }
}
