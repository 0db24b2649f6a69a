import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, TransactWriteItemsCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbPolicyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import type { Campaign } from '../../shared/domain/campaigns/campaign.js';
import { ConflictError, ValidationError } from '../../shared/domain/errors.js';
import { storePolicyVersion } from '../../shared/domain/policy/announce-policy.js';
import type { PolicyVersion } from '../../shared/domain/policy/policy-version.js';
import { FakeClock, TEST_BRAND } from '../fixtures/in-memory.js';

const NOW = new Date('2027-03-01T12:00:00.000Z');
const ADMIN = { sub: 'admin-1', roles: ['admin'] } as unknown as Parameters<typeof storePolicyVersion>[1];
const VERSION = {
  version: 'v2',
  effectiveAt: '2027-04-01T00:00:00.000Z',
  summary: 'We now keep inquiries for two years.',
  url: 'https://acme.test/privacy/v2',
};

/** A policy store that records each write; `accept` says whether the version name was free. */
function recordingPolicy(accept = true) {
  const writes: { version: PolicyVersion; notice: Campaign | undefined }[] = [];
  return {
    writes,
    add: async (version: PolicyVersion, notice?: Campaign) => {
      writes.push({ version, notice });
      return accept;
    },
  };
}

const deps = (policy: ReturnType<typeof recordingPolicy>, brand = TEST_BRAND) => ({
  policy,
  clock: new FakeClock(NOW),
  brand,
  newId: () => 'notice-1',
});

describe('storePolicyVersion', () => {
  it('stores a significant change and its notice in one write', async () => {
    // Arrange
    const policy = recordingPolicy();
    // Act
    const { notice } = await storePolicyVersion(deps(policy), ADMIN, { ...VERSION, significant: true });
    // Assert
    expect(policy.writes).toHaveLength(1);
    expect(policy.writes[0]?.version).toMatchObject({ version: 'v2', significant: true, createdBy: 'admin-1' });
    expect(policy.writes[0]?.notice).toEqual(notice);
    expect(notice).toMatchObject({
      campaignId: 'notice-1',
      category: 'service_notice',
      channels: ['email'],
      status: 'scheduled',
      nextRunAt: VERSION.effectiveAt,
    });
  });

  it('stores a minor change with no notice', async () => {
    // Arrange
    const policy = recordingPolicy();
    // Act
    const result = await storePolicyVersion(deps(policy), ADMIN, { ...VERSION, significant: false });
    // Assert
    expect(result).toEqual({});
    expect(policy.writes).toEqual([{ version: expect.objectContaining({ version: 'v2' }), notice: undefined }]);
  });

  it('is a conflict when the version name is taken', async () => {
    // Arrange
    const policy = recordingPolicy(false);
    // Act & Assert
    await expect(storePolicyVersion(deps(policy), ADMIN, { ...VERSION, significant: true })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('stores nothing, not even the version, when the notice fails its compliance check', async () => {
    // Arrange: a brand with no postal address cannot send a compliant notice.
    const policy = recordingPolicy();
    // Act
    const outcome = storePolicyVersion(deps(policy, { ...TEST_BRAND, postalAddress: '' }), ADMIN, {
      ...VERSION,
      significant: true,
    });
    // Assert
    await expect(outcome).rejects.toBeInstanceOf(ValidationError);
    expect(policy.writes).toHaveLength(0);
  });
});

describe('DynamoDbPolicyVersions.add with a notice', () => {
  const dynamoDb = mockClient(DynamoDBClient);
  const store = new DynamoDbPolicyVersions('table', { ...VERSION, version: 'v1' });
  const notice = {
    campaignId: 'notice-1',
    name: 'Privacy policy v2',
    category: 'service_notice',
    channels: ['email'],
    subject: 'We are updating our privacy policy (v2)',
    text: 'text',
    schedule: { at: VERSION.effectiveAt },
    status: 'scheduled',
    nextRunAt: VERSION.effectiveAt,
    createdBy: 'admin-1',
    createdAt: NOW.toISOString(),
  } as Campaign;
  const record = { ...VERSION, significant: true, createdBy: 'admin-1', createdAt: NOW.toISOString() };

  beforeEach(() => {
    dynamoDb.reset();
  });

  it('writes the version, its name and the notice campaign in one transaction', async () => {
    // Arrange
    dynamoDb.on(TransactWriteItemsCommand).resolves({});
    // Act
    const added = await store.add(record, notice);
    // Assert
    expect(added).toBe(true);
    const calls = dynamoDb.commandCalls(TransactWriteItemsCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(3);
    const campaign = unmarshall(items[2]?.Put?.Item ?? {});
    expect(campaign).toMatchObject({ pk: 'CAMPAIGN#notice-1', sk: 'CAMPAIGN', status: 'scheduled' });
    expect(campaign.gsi1sk).toBe(`${VERSION.effectiveAt}#notice-1`);
  });

  it('answers false for a version name already taken', async () => {
    // Arrange
    dynamoDb.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    // Act & Assert
    await expect(store.add(record, notice)).resolves.toBe(false);
  });

  it('throws, rather than answer "taken", when the transaction failed for another reason', async () => {
    // Arrange
    dynamoDb.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'TransactionConflict' }],
      }),
    );
    // Act & Assert
    await expect(store.add(record, notice)).rejects.toBeInstanceOf(TransactionCanceledException);
  });
});
