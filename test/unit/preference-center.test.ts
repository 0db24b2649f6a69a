import { beforeEach, describe, expect, it } from '@jest/globals';
import { LinkNotValidError, NotFoundError } from '../../shared/domain/errors.js';
import { readPreferences, updatePreferences } from '../../shared/domain/preferences/preference-center.js';
import type { PreferenceDeps } from '../../shared/domain/preferences/preference-center.js';
import { unsubscribe } from '../../shared/domain/preferences/unsubscribe.js';
import { issueToken } from '../../shared/domain/tokens.js';
import { FakeClock, InMemoryDirectory, fixedPolicy, fixedSecrets } from '../fixtures/in-memory.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY_MS = 24 * 3600 * 1000;

describe('preference center use cases', () => {
  let directory: InMemoryDirectory;
  let clock: FakeClock;
  let deps: PreferenceDeps;
  const secrets = fixedSecrets();
  const token = (scope: Parameters<typeof issueToken>[2], contactId = 'c1', at = NOW) =>
    issueToken(secrets.secrets.keyring, contactId, scope, at.getTime());

  beforeEach(() => {
    directory = new InMemoryDirectory();
    directory.recipients.set('c1', {
      contactId: 'c1',
      email: 'pat@example.com',
      phone: '+12025550143',
      preferences: { 'email:newsletter': true, 'sms:marketing': true },
    });
    clock = new FakeClock(NOW);
    deps = { secrets, directory, consent: directory, clock, policy: fixedPolicy('v2'), brandName: 'Acme' };
  });

  it('shows the state with masked addresses', async () => {
    const view = await readPreferences(deps, token({ purpose: 'preferences' }));
    expect(view.contact).toEqual({ email: 'p***@example.com', phone: '+1******0143' });
    expect(view.preferences.email.newsletter).toBe(true);
    expect(view.textsStopped).toBe(false);
  });

  it('refuses a preferences link after its lifetime, saying it expired', async () => {
    const old = token({ purpose: 'preferences' }, 'c1', new Date(NOW.getTime() - 181 * DAY_MS));
    await expect(readPreferences(deps, old)).rejects.toThrow(LinkNotValidError);
    await expect(readPreferences(deps, old)).rejects.toThrow(/expired/);
  });

  it('keeps unsubscribe links working a year after the message', async () => {
    const yearOld = token(
      { purpose: 'unsubscribe', channel: 'email', topic: 'newsletter' },
      'c1',
      new Date(NOW.getTime() - 365 * DAY_MS),
    );
    await unsubscribe(deps, yearOld, {});
    expect(directory.recipients.get('c1')?.preferences['email:newsletter']).toBe(false);
  });

  it('answers 404 for a contact that was erased, changing nothing', async () => {
    const link = token({ purpose: 'preferences' }, 'gone');
    await expect(updatePreferences(deps, link, { topics: { 'email:marketing': true } }, {})).rejects.toThrow(NotFoundError);
    expect(directory.ledger).toEqual([]);
  });

  it('records the policy version in force and the page wording hash on each change', async () => {
    await updatePreferences(
      deps,
      token({ purpose: 'preferences' }),
      { topics: { 'email:marketing': true } },
      { ip: '198.51.100.1' },
    );
    expect(directory.ledger).toHaveLength(1);
    expect(directory.ledger[0]).toMatchObject({
      channel: 'email',
      topics: ['marketing'],
      action: 'grant',
      policyVersion: 'v2',
      ip: '198.51.100.1',
    });
    expect(directory.ledger[0]?.wordingHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets a topic-scoped unsubscribe withdraw only that topic', async () => {
    const { scope } = await unsubscribe(deps, token({ purpose: 'unsubscribe', channel: 'email', topic: 'newsletter' }), {});
    expect(scope).toBe('our newsletter by email');
    const recipient = directory.recipients.get('c1');
    expect(recipient?.preferences).toEqual({ 'email:newsletter': false, 'sms:marketing': true });
    expect(recipient?.emailOptOutAll).toBe(false);
  });
});
