import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { streamFilterCriteria } from '../../infra/stateless-stack.js';
import { STREAM_CONSUMERS, passesStreamFilter } from '../../shared/routes.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const EVENT_NAMES = ['INSERT', 'MODIFY', 'REMOVE'] as const;

/** Every `entity` value the code writes to the table, read from the sources so that a new one is covered too. */
function entityTypes(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const match of source.matchAll(/entity: '([a-z_]+)'|_ENTITY = '([a-z_]+)'/g)) found.add(match[1] ?? match[2] ?? '');
      }
    }
  };
  walk(join(REPO_ROOT, 'shared'));
  walk(join(REPO_ROOT, 'functions'));
  for (const consumer of STREAM_CONSUMERS) for (const entity of consumer.filter.entities) found.add(entity);
  found.delete('');
  return [...found].sort();
}

/**
 * Lambda's event filtering for the patterns the stack uses: a key's array lists the values it may
 * take, a key's object is matched one level down, and a key missing from the record fails it.
 */
function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    for (const rule of pattern) if (typeof rule !== 'string') throw new Error(`Unsupported filter rule ${JSON.stringify(rule)}`);
    return typeof value === 'string' && pattern.includes(value);
  }
  if (pattern === null || typeof pattern !== 'object') throw new Error(`Unsupported filter pattern ${JSON.stringify(pattern)}`);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([key, inner]) => matchesPattern(inner, (value as Record<string, unknown>)[key]));
}

/** True when any of the consumer's CDK filter criteria passes the record, as Lambda ORs them. */
function passesCdkFilter(criteria: Record<string, unknown>[], record: Record<string, unknown>): boolean {
  return criteria.some((criterion) => matchesPattern(JSON.parse(String(criterion.pattern)), record));
}

/** A stream record as Lambda matches it: the images carry the entity as a DynamoDB string. */
function streamRecord(eventName: string, newEntity: string | undefined, oldEntity: string | undefined) {
  return {
    eventName,
    dynamodb: {
      Keys: { pk: { S: 'X' }, sk: { S: 'Y' } },
      ...(newEntity === undefined ? {} : { NewImage: { entity: { S: newEntity } } }),
      ...(oldEntity === undefined ? {} : { OldImage: { entity: { S: oldEntity } } }),
    },
  };
}

describe('the stream filter', () => {
  const entities = [...entityTypes(), 'not_an_entity'];

  it('finds the entity types the code writes', () => {
    expect(entities).toEqual(expect.arrayContaining(['inquiry', 'outbox_message', 'contact', 'consent', 'campaign']));
  });

  describe.each(STREAM_CONSUMERS.map((consumer) => [consumer.name, consumer] as const))('of %s', (_, consumer) => {
    const criteria = streamFilterCriteria(consumer.filter);
    // Every event name against every entity, in the image the event carries, the other image, both and neither.
    const cases = EVENT_NAMES.flatMap((eventName) =>
      entities.flatMap((entity) => [
        [eventName, entity, undefined],
        [eventName, undefined, entity],
        [eventName, entity, entity],
        [eventName, entity, 'not_an_entity'],
        [eventName, 'not_an_entity', entity],
      ]),
    ) as [string, string | undefined, string | undefined][];
    cases.push(...EVENT_NAMES.map((eventName) => [eventName, undefined, undefined] as [string, undefined, undefined]));

    it('is the same rule locally (passesStreamFilter) as in the CDK FilterCriteria, for every entity type and event', () => {
      // Arrange
      const disagreements: string[] = [];
      // Act
      for (const [eventName, newEntity, oldEntity] of cases) {
        const local = passesStreamFilter(consumer.filter, {
          eventName,
          ...(newEntity === undefined ? {} : { newEntity }),
          ...(oldEntity === undefined ? {} : { oldEntity }),
        });
        const cdk = passesCdkFilter(criteria, streamRecord(eventName, newEntity, oldEntity));
        if (local !== cdk) disagreements.push(`${eventName} new=${newEntity} old=${oldEntity}: local ${local}, CDK ${cdk}`);
      }
      // Assert
      expect(disagreements).toEqual([]);
      expect(
        cases.some(([eventName, newEntity, oldEntity]) =>
          passesStreamFilter(consumer.filter, {
            eventName,
            ...(newEntity ? { newEntity } : {}),
            ...(oldEntity ? { oldEntity } : {}),
          }),
        ),
      ).toBe(true);
    });
  });
});
