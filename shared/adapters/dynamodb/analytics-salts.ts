import { randomBytes } from 'node:crypto';
import type { VisitorSalts } from '../../ports/analytics-store.js';
import { keys } from './keys.js';
import { DynamoDbCallError, liteDynamoDb } from './lite-client.js';
import type { LiteDynamoDb, RawItem } from './lite-client.js';
import { N, S } from './analytics-items.js';
/** How long a salt lives: 48 hours from the start of its day, then TTL deletes it. */
const SALT_LIFETIME_SECONDS = 48 * 3600;
const key = (item: { pk: string; sk: string }): RawItem => ({ pk: S(item.pk), sk: S(item.sk) });

/**
 * The daily visitor-id salt in the single table, over the lite DynamoDB client (the beacon's
 * bundle budget leaves no room for the SDK): read once per instance per day (GetItem), created by
 * the first instance that needs it (conditional PutItem), deleted by TTL 48 hours after its day began.
 */
export class DynamoDbVisitorSalts implements VisitorSalts {
  private readonly salts = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly tableName: string,
    private readonly call: LiteDynamoDb = liteDynamoDb(),
  ) {}

  dailySalt(day: string): Promise<Buffer> {
    let salt = this.salts.get(day);
    if (!salt) {
      // Only today's salt is ever needed: drop the others, so that yesterday's is not kept in memory either.
      this.salts.clear();
      salt = this.loadOrCreateSalt(day);
      salt.catch(() => this.salts.delete(day));
      this.salts.set(day, salt);
    }
    return salt;
  }

  private async readSalt(day: string): Promise<Buffer | undefined> {
    const result = await this.call('DynamoDB_20120810.GetItem', {
      TableName: this.tableName,
      Key: key(keys.analyticsSalt(day)),
      ConsistentRead: true,
    });
    const value = (result.Item as RawItem | undefined)?.salt;
    return value && 'B' in value ? Buffer.from(value.B, 'base64') : undefined;
  }

  private async loadOrCreateSalt(day: string): Promise<Buffer> {
    const existing = await this.readSalt(day);
    if (existing) return existing;
    const salt = randomBytes(32);
    try {
      await this.call('DynamoDB_20120810.PutItem', {
        TableName: this.tableName,
        Item: {
          ...key(keys.analyticsSalt(day)),
          entity: S('analytics_salt'),
          salt: { B: salt.toString('base64') },
          expiresAt: N(Date.parse(`${day}T00:00:00Z`) / 1000 + SALT_LIFETIME_SECONDS),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      return salt;
    } catch (error) {
      // Another instance created the day's salt first: use the winner's.
      if (!(error instanceof DynamoDbCallError && error.code === 'ConditionalCheckFailedException')) throw error;
      const winner = await this.readSalt(day);
      if (!winner) throw error;
      return winner;
    }
  }
}
