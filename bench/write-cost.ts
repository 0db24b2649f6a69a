import { fixedPolicy } from '../test/fixtures/in-memory.js';
import { ulid } from 'ulid';
import { DynamoDbAddressBook } from '../shared/adapters/dynamodb/address-book.js';
import { DynamoDbInquiryStore } from '../shared/adapters/dynamodb/inquiry-store.js';
import type { InquiryInput } from '../shared/domain/inquiries/inquiry.js';
import { submitInquiry } from '../shared/domain/inquiries/submit-inquiry.js';
import { systemClock } from '../shared/ports/clock.js';
import type { SecretsSource } from '../shared/ports/secrets.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Write units one inquiry consumes, as DynamoDB reports them (`ReturnConsumedCapacity: TOTAL`),
 * for the inquiry shapes that cost the most and the least.
 */
export async function measureWriteUnits(
  client: DynamoDBClient,
  tableName: string,
  secrets: SecretsSource,
): Promise<Record<string, number>> {
  let units = 0;
  const store = new DynamoDbInquiryStore(tableName, client, (consumed) => {
    units += consumed;
  });
  const deps = {
    store,
    addresses: new DynamoDbAddressBook(tableName, client, (consumed) => {
      units += consumed;
    }),
    optIn: { email: 'double', sms: 'double' } as const,
    secrets,
    clock: systemClock,
    newId: ulid,
    brandName: 'Bench',
    policy: fixedPolicy('bench'),
  };
  const visit = {
    ip: '203.0.113.1',
    userAgent: 'bench',
    browser: 'Chrome',
    browserVersion: '126',
    os: 'macOS',
    language: 'en-US',
  };
  const unique = () => `bench.${ulid().toLowerCase()}@example.com`;
  const phone = () => `+1202${String(2_000_000 + Math.floor(Math.random() * 7_000_000))}`;
  const message = 'We run two rooftops and want to see the inventory follow-up features next week.';
  const shapes: Record<string, () => [InquiryInput, string | undefined]> = {
    'new contact, email only, no consent': () => [
      { name: 'Bench', email: unique(), topic: 'demo', message, consent: { email: false, sms: false } },
      undefined,
    ],
    'new contact, email + phone, email consent (typical)': () => [
      { name: 'Bench', email: unique(), phone: phone(), topic: 'demo', message, consent: { email: true, sms: false } },
      undefined,
    ],
    'new contact, email + phone, both consents, Idempotency-Key (most)': () => [
      { name: 'Bench', email: unique(), phone: phone(), topic: 'demo', message, consent: { email: true, sms: true } },
      ulid(),
    ],
  };
  const results: Record<string, number> = {};
  for (const [label, shape] of Object.entries(shapes)) {
    const [input, key] = shape();
    units = 0;
    await submitInquiry(deps, input, visit, key);
    results[label] = units;
    if (label.startsWith('new contact, email only')) {
      units = 0;
      await submitInquiry(deps, { ...input, message: 'second' }, visit);
      results['returning contact, email only'] = units;
    }
  }
  return results;
}
