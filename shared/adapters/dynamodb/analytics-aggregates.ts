import { OTHER_PATH } from '../../ports/analytics-store.js';
import type { AnalyticsAggregates, BeaconTally, OrganisationTally, PathTally } from '../../ports/analytics-store.js';
import { ANALYTICS_DIMENSIONS as DIMENSIONS, ANALYTICS_ENTITY, N, S } from './analytics-items.js';
import { keys } from './keys.js';
import { DynamoDbCallError, liteDynamoDb } from './lite-client.js';
import type { LiteDynamoDb, RawItem } from './lite-client.js';

/**
 * The most distinct paths one day counts on their own items; any further path of the day is counted
 * under `OTHER_PATH`. With the organisation × path items this bounds the items of a day, and each
 * item is small and bounded by construction (no attribute per path anywhere).
 */
export const MAX_PATHS_PER_DAY = 1000;

/**
 * The most new paths one network id (`PageviewCount.network`) opens a day: a stranger on one
 * network cannot spend more than this of the day's MAX_PATHS_PER_DAY slots.
 */
export const MAX_NEW_PATHS_PER_NETWORK = 50;

/** How long a network's slot counter lives: 48 hours from the start of its day, as the salt its id came from. */
const NETWORK_SLOTS_LIFETIME_SECONDS = 48 * 3600;

/** How many of a path's network ids one batch tries before counting the path under `OTHER_PATH`. */
const NETWORKS_TRIED = 3;

/** The most counters one update adds: about 2 KB of expression, half of DynamoDB's 4 KB limit. */
const COUNTERS_PER_UPDATE = 100;

const key = (item: { pk: string; sk: string }): RawItem => ({ pk: S(item.pk), sk: S(item.sk) });
const elements = (visitors: ReadonlySet<number>) => ({ NS: [...visitors].map(String) });
const isConditionFailure = (error: unknown) =>
  error instanceof DynamoDbCallError && error.code === 'ConditionalCheckFailedException';

/**
 * Adds a batch's tally to the day aggregates with unconditional `ADD`s (counters, and sketch
 * elements into number sets, which are idempotent unions), so that concurrent batches never
 * conflict and none reads first. A batch costs one update per path, per path sketch, per dimension
 * value, per organisation and per organisation × path, however many beacons it carries.
 *
 * A path is counted on its own items only when it already has them, or when a view with a visitor
 * opens it while the day's path counter is under the cap and its network id's counter under its own
 * (conditional `ADD`s, `slotOf`); otherwise under `OTHER_PATH`. Two consumers meeting the
 * same new path at once may both take a slot: the cap is then reached a little early, never passed.
 *
 * A batch that fails part way is retried whole by the queue: its counters may then count twice,
 * which an aggregate can bear; its sketches cannot (a union).
 */
export class DynamoDbAnalyticsAggregates implements AnalyticsAggregates {
  /**
   * Per day, the paths this instance knows have their own items, and the network ids it knows have
   * opened all the paths they may. Only the latest day is kept.
   */
  private known: { day: string; paths: Set<string>; spentNetworks: Set<number> } = {
    day: '',
    paths: new Set(),
    spentNetworks: new Set(),
  };

  constructor(
    private readonly tableName: string,
    private readonly call: LiteDynamoDb = liteDynamoDb(),
    private readonly maxPathsPerDay: number = MAX_PATHS_PER_DAY,
    private readonly maxNewPathsPerNetwork: number = MAX_NEW_PATHS_PER_NETWORK,
  ) {}

  async add(tally: BeaconTally): Promise<void> {
    const slots = new Map<string, string>();
    await Promise.all(tally.paths.map(async (path) => slots.set(`${path.day}|${path.path}`, await this.slotOf(path))));
    const stored = (day: string, path: string) => slots.get(`${day}|${path}`) ?? OTHER_PATH;
    const paths = new Map<string, PathTally>();
    for (const path of tally.paths) {
      const storedPath = stored(path.day, path.path);
      const id = `${path.day}|${storedPath}`;
      const into = paths.get(id);
      if (!into) paths.set(id, { ...path, path: storedPath, visitors: new Set(path.visitors), networks: new Set() });
      else mergePath(into, path);
    }
    const writes: Promise<unknown>[] = [];
    for (const path of paths.values()) {
      writes.push(this.addPath(path));
      if (path.visitors.size > 0) {
        writes.push(
          this.update(keys.analyticsUniques(path.day, path.path), 'SET #entity = :entity, #path = :path ADD #h :h', {
            names: { '#path': 'path', '#h': 'h' },
            values: { ':path': S(path.path), ':h': elements(path.visitors) },
          }),
        );
      }
    }
    for (const dimension of tally.dimensions) {
      const attribute = `${DIMENSIONS[dimension.dimension]}${dimension.value}`;
      writes.push(
        this.update(keys.analyticsDimension(dimension.day, attribute), 'SET #entity = :entity, #dim = :dim ADD #h :h', {
          names: { '#dim': 'dimension', '#h': 'h' },
          values: { ':dim': S(attribute), ':h': elements(dimension.visitors) },
        }),
      );
    }
    for (const organisation of tally.organisations) writes.push(...this.addOrganisation(organisation, stored));
    await Promise.all(writes);
  }

  /**
   * The path's counters, in updates of at most COUNTERS_PER_UPDATE `ADD`s each: DynamoDB refuses an
   * expression over 4 KB, and a batch may carry hundreds of dimension values for one path (one per
   * language a header can name), which in one update would fail the whole batch every time.
   */
  private addPath(path: PathTally): Promise<unknown> {
    const counters: [string, number][] = [
      ['views', path.views],
      ['optedOutViews', path.optedOutViews],
      ['unidentifiedViews', path.unidentifiedViews],
      ['engagements', path.engagements],
      ['seconds', path.seconds],
    ];
    for (const dimension of ['browsers', 'languages', 'countries'] as const) {
      for (const [value, count] of Object.entries(path[dimension])) counters.push([`${DIMENSIONS[dimension]}${value}`, count]);
    }
    const nonZero = counters.filter(([, value]) => value !== 0);
    const chunks: [string, number][][] = [];
    for (let start = 0; start < nonZero.length; start += COUNTERS_PER_UPDATE)
      chunks.push(nonZero.slice(start, start + COUNTERS_PER_UPDATE));
    if (chunks.length === 0) chunks.push([]);
    return Promise.all(
      chunks.map((chunk) => {
        const names: Record<string, string> = { '#path': 'path' };
        const values: RawItem = { ':path': S(path.path) };
        const adds = chunk.map(([name, value], index) => {
          names[`#n${index}`] = name;
          values[`:v${index}`] = N(value);
          return `#n${index} :v${index}`;
        });
        return this.update(
          keys.analyticsPath(path.day, path.path),
          `SET #entity = :entity, #path = :path${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
          { names, values },
        );
      }),
    );
  }

  private addOrganisation(organisation: OrganisationTally, stored: (day: string, path: string) => string): Promise<unknown>[] {
    const { day, asn, name } = organisation;
    const writes = [
      this.update(
        keys.analyticsOrganisation(day, asn, name),
        'SET #entity = :entity, #asn = :asn, #name = :name ADD #views :views, #h :h',
        {
          names: { '#asn': 'asn', '#name': 'name', '#views': 'views', '#h': 'h' },
          values: { ':asn': N(asn), ':name': S(name), ':views': N(organisation.views), ':h': elements(organisation.visitors) },
        },
      ),
    ];
    const pages = new Map<string, { views: number; visitors: Set<number> }>();
    for (const [path, page] of organisation.pages) {
      const storedPath = stored(day, path);
      const into = pages.get(storedPath);
      if (!into) pages.set(storedPath, { views: page.views, visitors: new Set(page.visitors) });
      else {
        into.views += page.views;
        for (const visitor of page.visitors) into.visitors.add(visitor);
      }
    }
    for (const [path, page] of pages) {
      writes.push(
        this.update(
          keys.analyticsOrganisationPage(day, asn, path),
          'SET #entity = :entity, #asn = :asn, #path = :path ADD #views :views, #h :h',
          {
            names: { '#asn': 'asn', '#path': 'path', '#views': 'views', '#h': 'h' },
            values: { ':asn': N(asn), ':path': S(path), ':views': N(page.views), ':h': elements(page.visitors) },
          },
        ),
      );
    }
    return writes;
  }

  /**
   * The path a day's counts of `path` are stored under: the path itself when it is already open that
   * day, or when a view with a visitor opens it; else `OTHER_PATH`. An opted-out view (GPC, DNT) or
   * an engagement carries no visitor and never opens a path: it counts on a path already open. A
   * view with a visitor opens one while the day has room (MAX_PATHS_PER_DAY) and its network id has
   * opened fewer than MAX_NEW_PATHS_PER_NETWORK today (a view without a network id: the day's cap only).
   */
  private async slotOf({ day, path, visitors, networks }: PathTally): Promise<string> {
    if (this.known.day !== day) this.known = { day, paths: new Set(), spentNetworks: new Set() };
    const known = this.known.paths;
    if (path === OTHER_PATH || known.has(path)) return path;
    try {
      // Already counted today (by any instance)? A conditional no-op update answers without a read.
      await this.update(keys.analyticsPath(day, path), 'SET #entity = :entity', {
        condition: 'attribute_exists(pk)',
      });
      known.add(path);
      return path;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    if (visitors.size === 0) return OTHER_PATH;
    if (networks.size > 0 && !(await this.networkOpens(day, networks))) return OTHER_PATH;
    try {
      await this.update(keys.analyticsPathCount(day), 'SET #entity = :entity ADD #count :one', {
        names: { '#count': 'paths' },
        values: { ':one': N(1), ':cap': N(this.maxPathsPerDay) },
        condition: 'attribute_not_exists(#count) OR #count < :cap',
      });
      known.add(path);
      return path;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return OTHER_PATH;
    }
  }

  /**
   * Takes one of the day's new-path allowances of one of `networks` (a conditional `ADD` on the
   * network id's counter, which keeps the count and nothing else); false when each one tried has
   * spent its own.
   */
  private async networkOpens(day: string, networks: ReadonlySet<number>): Promise<boolean> {
    const spent = this.known.spentNetworks;
    const candidates = [...networks].filter((network) => !spent.has(network)).slice(0, NETWORKS_TRIED);
    for (const network of candidates) {
      try {
        await this.update(
          keys.analyticsNetworkSlots(day, network),
          'SET #entity = :entity, #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #opened :one',
          {
            names: { '#opened': 'opened', '#expiresAt': 'expiresAt' },
            values: {
              ':one': N(1),
              ':cap': N(this.maxNewPathsPerNetwork),
              ':expiresAt': N(Date.parse(`${day}T00:00:00Z`) / 1000 + NETWORK_SLOTS_LIFETIME_SECONDS),
            },
            condition: 'attribute_not_exists(#opened) OR #opened < :cap',
          },
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        spent.add(network);
      }
    }
    return false;
  }

  private update(
    item: { pk: string; sk: string },
    expression: string,
    options: { names?: Record<string, string>; values?: RawItem; condition?: string },
  ): Promise<unknown> {
    return this.call('DynamoDB_20120810.UpdateItem', {
      TableName: this.tableName,
      Key: key(item),
      UpdateExpression: expression,
      ExpressionAttributeNames: { '#entity': 'entity', ...options.names },
      ExpressionAttributeValues: { ':entity': S(ANALYTICS_ENTITY), ...options.values },
      ...(options.condition ? { ConditionExpression: options.condition } : {}),
    });
  }
}

/** Adds `from`'s counts into `into` (two paths stored under the same item). */
function mergePath(into: PathTally, from: PathTally): void {
  into.views += from.views;
  into.optedOutViews += from.optedOutViews;
  into.unidentifiedViews += from.unidentifiedViews;
  into.engagements += from.engagements;
  into.seconds += from.seconds;
  for (const dimension of ['browsers', 'languages', 'countries'] as const) {
    for (const [value, count] of Object.entries(from[dimension])) into[dimension][value] = (into[dimension][value] ?? 0) + count;
  }
  for (const visitor of from.visitors) into.visitors.add(visitor);
}
