import type { AnalyticsDay, AnalyticsReader, Dimension, OrganisationDay, PathDay } from '../../ports/analytics-store.js';
import { zeroPathCounts } from '../../domain/analytics/tally.js';
import { ANALYTICS_DIMENSIONS as DIMENSIONS, S } from './analytics-items.js';
import { keys } from './keys.js';
import { liteDynamoDb } from './lite-client.js';
import type { AttributeValue, LiteDynamoDb, RawItem } from './lite-client.js';

const num = (value: AttributeValue | undefined) => (value && 'N' in value ? Number(value.N) : 0);
const str = (value: AttributeValue | undefined) => (value && 'S' in value ? value.S : '');
const numbers = (value: AttributeValue | undefined) => (value && 'NS' in value ? value.NS.map(Number) : []);

/** Reads the analytics aggregates a day partition at a time (Query only: the report never writes). */
export class DynamoDbAnalyticsReader implements AnalyticsReader {
  constructor(
    private readonly tableName: string,
    private readonly call: LiteDynamoDb = liteDynamoDb(),
  ) {}

  async readDays(days: readonly string[]): Promise<AnalyticsDay[]> {
    const result: AnalyticsDay[] = [];
    // A few days at a time: a year is 366 queries, which DynamoDB answers well in parallel.
    for (let start = 0; start < days.length; start += 16) {
      result.push(...(await Promise.all(days.slice(start, start + 16).map((day) => this.readDay(day)))));
    }
    return result;
  }

  private async readDay(day: string): Promise<AnalyticsDay> {
    const paths = new Map<string, PathDay>();
    const organisations = new Map<number, OrganisationDay>();
    const organisation = (asn: number): OrganisationDay => {
      let entry = organisations.get(asn);
      if (!entry) organisations.set(asn, (entry = { asn, name: '', pages: {}, visitors: [] }));
      return entry;
    };
    const dimensions: AnalyticsDay['dimensions'] = { browsers: {}, languages: {}, countries: {} };
    const pathDay = (path: string): PathDay => {
      let entry = paths.get(path);
      if (!entry) {
        entry = { path, ...zeroPathCounts(), visitors: [] };
        paths.set(path, entry);
      }
      return entry;
    };
    let startKey: unknown;
    do {
      const page = await this.call('DynamoDB_20120810.Query', {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': S(keys.analyticsDay(day)) },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      for (const item of (page.Items ?? []) as RawItem[]) {
        const sk = str(item.sk);
        if (sk.startsWith('PATH#')) {
          const entry = pathDay(str(item.path));
          entry.views += num(item.views);
          entry.optedOutViews += num(item.optedOutViews);
          entry.unidentifiedViews += num(item.unidentifiedViews);
          entry.engagements += num(item.engagements);
          entry.seconds += num(item.seconds);
          for (const [name, value] of Object.entries(item)) {
            for (const [dimension, prefix] of Object.entries(DIMENSIONS) as [keyof typeof DIMENSIONS, string][]) {
              if (name.startsWith(prefix)) entry[dimension][name.slice(prefix.length)] = num(value);
            }
          }
        } else if (sk.startsWith('UNIQ#')) {
          pathDay(str(item.path)).visitors = numbers(item.h);
        } else if (sk.startsWith('ORG#')) {
          const entry = organisation(num(item.asn));
          entry.name = str(item.name);
          entry.visitors = numbers(item.h);
        } else if (sk.startsWith('ORGPAGE#')) {
          organisation(num(item.asn)).pages[str(item.path)] = { views: num(item.views), visitors: numbers(item.h) };
        } else if (sk.startsWith('DIM#')) {
          const attribute = str(item.dimension);
          for (const [dimension, prefix] of Object.entries(DIMENSIONS) as [Dimension, string][]) {
            if (attribute.startsWith(prefix)) dimensions[dimension][attribute.slice(prefix.length)] = numbers(item.h);
          }
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    // An organisation page whose organisation item is not written yet (a batch part way) waits for it.
    return { day, paths: [...paths.values()], organisations: [...organisations.values()].filter((org) => org.name), dimensions };
  }
}
