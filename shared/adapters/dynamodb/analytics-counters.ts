import { randomBytes } from 'node:crypto';
import type { AnalyticsCounters, PageviewCount } from '../../ports/analytics-store.js';
import { keys } from './keys.js';
import { DynamoDbCallError, liteDynamoDb } from './lite-client.js';
import type { LiteDynamoDb, RawItem } from './lite-client.js';

import { ANALYTICS_DIMENSIONS as DIMENSIONS, ANALYTICS_ENTITY, ANALYTICS_PAGE as PAGE, N, S } from './analytics-items.js';
/** How long a salt lives: 48 hours from the start of its day, then TTL deletes it. */
const SALT_LIFETIME_SECONDS = 48 * 3600;
/** Sketch elements this instance knows are stored, per item: a repeat visit then costs no write. */
const KNOWN_ELEMENTS_LIMIT = 100_000;

const key = (item: { pk: string; sk: string }): RawItem => ({ pk: S(item.pk), sk: S(item.sk) });

/**
 * The analytics aggregates in the single table, over the lite DynamoDB client (the beacon's bundle
 * budget leaves no room for the SDK). A page view is one UpdateItem on its day × path counters,
 * plus one on the day × path visitor sketch when this instance has not stored that element yet,
 * plus one on the organisation's item when a business network is visiting: every write is an
 * unconditional `ADD`, so concurrent beacons never conflict and none reads first.
 */
export class DynamoDbAnalyticsCounters implements AnalyticsCounters {
  private readonly salts = new Map<string, Promise<Buffer>>();
  private readonly knownElements = new Map<string, Set<number>>();
  private knownCount = 0;

  constructor(
    private readonly tableName: string,
    private readonly call: LiteDynamoDb = liteDynamoDb(),
  ) {}

  async countPageview(count: PageviewCount): Promise<void> {
    const names: Record<string, string> = { '#views': 'views', '#entity': 'entity', '#path': 'path' };
    const values: RawItem = { ':one': N(1), ':entity': S(ANALYTICS_ENTITY), ':path': S(count.path) };
    const adds = ['#views :one'];
    const counter = (name: string) => {
      const placeholder = `#n${adds.length}`;
      names[placeholder] = name;
      adds.push(`${placeholder} :one`);
    };
    if (count.optedOut) counter('optedOutViews');
    else {
      if (!count.organisation) counter('unidentifiedViews');
      if (count.browser) counter(`${DIMENSIONS.browsers}${count.browser}`);
      if (count.language) counter(`${DIMENSIONS.languages}${count.language}`);
      if (count.country) counter(`${DIMENSIONS.countries}${count.country}`);
    }
    const writes: Promise<unknown>[] = [
      this.call('DynamoDB_20120810.UpdateItem', {
        TableName: this.tableName,
        Key: key(keys.analyticsPath(count.day, count.path)),
        UpdateExpression: `SET #entity = :entity, #path = :path ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ];
    if (count.visitor !== undefined) {
      writes.push(
        this.addElement(
          keys.analyticsUniques(count.day, count.path),
          count.visitor,
          { '#path': 'path' },
          { ':path': S(count.path) },
        ),
      );
    }
    if (count.visitor !== undefined && count.organisation) {
      writes.push(
        this.call('DynamoDB_20120810.UpdateItem', {
          TableName: this.tableName,
          Key: key(keys.analyticsOrganisation(count.day, count.organisation.asn, count.organisation.name)),
          UpdateExpression: 'SET #entity = :entity, #asn = :asn, #name = :name ADD #h :h, #page :one',
          ExpressionAttributeNames: {
            '#entity': 'entity',
            '#asn': 'asn',
            '#name': 'name',
            '#h': 'h',
            '#page': `${PAGE}${count.path}`,
          },
          ExpressionAttributeValues: {
            ':entity': S(ANALYTICS_ENTITY),
            ':asn': N(count.organisation.asn),
            ':name': S(count.organisation.name),
            ':h': { NS: [String(count.visitor)] },
            ':one': N(1),
          },
        }),
      );
    }
    await Promise.all(writes);
  }

  /** Adds one element to a sketch item, unless this instance already stored it there. */
  private async addElement(item: { pk: string; sk: string }, element: number, names: Record<string, string>, values: RawItem) {
    const id = `${item.pk}|${item.sk}`;
    if (this.knownElements.get(id)?.has(element)) return;
    await this.call('DynamoDB_20120810.UpdateItem', {
      TableName: this.tableName,
      Key: key(item),
      UpdateExpression: 'SET #entity = :entity, #path = :path ADD #h :h',
      ExpressionAttributeNames: { ...names, '#entity': 'entity', '#h': 'h' },
      ExpressionAttributeValues: { ...values, ':entity': S(ANALYTICS_ENTITY), ':h': { NS: [String(element)] } },
    });
    if (this.knownCount >= KNOWN_ELEMENTS_LIMIT) {
      this.knownElements.clear();
      this.knownCount = 0;
    }
    let known = this.knownElements.get(id);
    if (!known) this.knownElements.set(id, (known = new Set()));
    known.add(element);
    this.knownCount += 1;
  }

  async countEngagement(count: { day: string; path: string; seconds: number }): Promise<void> {
    await this.call('DynamoDB_20120810.UpdateItem', {
      TableName: this.tableName,
      Key: key(keys.analyticsPath(count.day, count.path)),
      UpdateExpression: 'SET #entity = :entity, #path = :path ADD #engagements :one, #seconds :seconds',
      ExpressionAttributeNames: { '#entity': 'entity', '#path': 'path', '#engagements': 'engagements', '#seconds': 'seconds' },
      ExpressionAttributeValues: {
        ':entity': S(ANALYTICS_ENTITY),
        ':path': S(count.path),
        ':one': N(1),
        ':seconds': N(count.seconds),
      },
    });
  }

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
