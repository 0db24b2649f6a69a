import { beforeEach, describe, expect, it } from '@jest/globals';
import { LinkNotValidError, NotFoundError, ValidationError } from '../../shared/domain/errors.js';
import { readPreferences, updatePreferences } from '../../shared/domain/preferences/preference-center.js';
import type { PreferenceDeps } from '../../shared/domain/preferences/preference-center.js';
import { previewUnsubscribe, unsubscribe } from '../../shared/domain/preferences/unsubscribe.js';
import { addressTag } from '../../shared/domain/address-key.js';
import type { Channel, Topic } from '../../shared/domain/consent.js';
import { confirmSubscription, previewConfirmation } from '../../shared/domain/subscriptions/confirm-subscription.js';
import { issueToken } from '../../shared/domain/tokens.js';
import type { TokenScope } from '../../shared/domain/tokens.js';
import { FakeClock, InMemoryDirectory, fixedPolicy, fixedSecrets } from '../fixtures/in-memory.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY_MS = 24 * 3600 * 1000;
const EMAIL = 'pat@example.com';
const PHONE = '+12025550143';

type LinkScope =
  { purpose: 'preferences'; channel: Channel } | { purpose: 'unsubscribe'; channel: Channel; topic: Topic | 'all' };

describe('preference center use cases', () => {
  let directory: InMemoryDirectory;
  let clock: FakeClock;
  let deps: PreferenceDeps;
  const secrets = fixedSecrets();
  /** A link as a message to the contact's address on the scope's channel carries it: tagged with that address. */
  const token = (scope: LinkScope, contactId = 'c1', at = NOW, address = scope.channel === 'email' ? EMAIL : PHONE) =>
    issueToken(
      secrets.secrets.keyring,
      contactId,
      { ...scope, tag: addressTag(secrets.secrets.addressSalt, scope.channel, address) } as TokenScope,
      at.getTime(),
    );
  /** A link as the version before address tags issued it. */
  const untagged = (scope: LinkScope | { purpose: 'subscription_confirm'; topics: Topic[] }, at = NOW) =>
    issueToken(secrets.secrets.keyring, 'c1', scope as unknown as TokenScope, at.getTime());
  const emailLink = () => token({ purpose: 'preferences', channel: 'email' });
  const smsLink = () => token({ purpose: 'preferences', channel: 'sms' });
  const stored = () => directory.recipients.get('c1');

  beforeEach(() => {
    directory = new InMemoryDirectory();
    directory.recipients.set('c1', {
      contactId: 'c1',
      email: EMAIL,
      phone: PHONE,
      preferences: { 'email:newsletter': true, 'email:marketing': true, 'sms:marketing': true, 'sms:newsletter': true },
    });
    clock = new FakeClock(NOW);
    deps = { addresses: directory, secrets, directory, consent: directory, clock, policy: fixedPolicy('v2'), brandName: 'Acme' };
  });

  describe('a link governs only the address it was sent to', () => {
    it('shows an email link the masked email address and its email topics, and nothing of the phone', async () => {
      // Act
      const view = await readPreferences(deps, emailLink());
      // Assert
      expect(view).toEqual({
        brand: 'Acme',
        channel: 'email',
        address: 'p***@example.com',
        topics: { newsletter: true, product_updates: false, marketing: true },
        unsubscribedFromAllEmail: false,
      });
      expect(JSON.stringify(view)).not.toContain('0143');
    });

    it('shows a text link the masked number and its SMS topics, and nothing of the email', async () => {
      const view = await readPreferences(deps, smsLink());
      expect(view).toEqual({
        brand: 'Acme',
        channel: 'sms',
        address: '+1******0143',
        topics: { newsletter: true, product_updates: false, marketing: true },
        textsStopped: false,
      });
      expect(JSON.stringify(view)).not.toContain('example.com');
    });

    it('changes only the email topics through an email link, and records only email', async () => {
      // Act
      await updatePreferences(deps, emailLink(), { topics: { 'email:newsletter': false, 'email:product_updates': true } }, {});
      // Assert
      expect(stored()?.preferences).toEqual({
        'email:newsletter': false,
        'email:product_updates': true,
        'email:marketing': true,
        'sms:marketing': true,
        'sms:newsletter': true,
      });
      expect(directory.ledger.map((event) => event.channel)).toEqual(['email', 'email']);
    });

    it.each([
      ['an SMS topic', { topics: { 'sms:marketing': false } }, 'sms.marketing'],
      ['"Stop all texts"', { topics: {}, stopAllTexts: true }, 'stopAllTexts'],
      ['an SMS topic beside an email one', { topics: { 'email:newsletter': false, 'sms:newsletter': false } }, 'sms.newsletter'],
    ])('refuses %s through an email link with a 400 naming it, changing nothing', async (_, update, path) => {
      // Arrange
      const before = structuredClone(stored());
      // Act
      const attempt = updatePreferences(deps, emailLink(), update, {});
      // Assert
      await expect(attempt).rejects.toThrow(ValidationError);
      await attempt.catch((error: ValidationError) => expect(error.details?.map((detail) => detail.path)).toEqual([path]));
      expect(stored()).toEqual(before);
      expect(directory.ledger).toEqual([]);
    });

    it('refuses email topics and "Unsubscribe from all email" through a text link, changing nothing', async () => {
      const attempt = updatePreferences(
        deps,
        smsLink(),
        { topics: { 'email:newsletter': false }, unsubscribeAllEmail: true, complete: true },
        {},
      );
      await expect(attempt).rejects.toThrow(ValidationError);
      await attempt.catch((error: ValidationError) =>
        expect(error.details?.map((detail) => detail.path)).toEqual(['email.newsletter', 'unsubscribeAllEmail']),
      );
      expect(directory.ledger).toEqual([]);
    });

    it('answers 404 when the contact no longer holds an address on the link channel, changing nothing', async () => {
      directory.recipients.set('c1', { contactId: 'c1', email: EMAIL, preferences: { 'email:newsletter': true } });
      await expect(readPreferences(deps, smsLink())).rejects.toThrow(NotFoundError);
      await expect(updatePreferences(deps, smsLink(), { topics: {}, stopAllTexts: true }, {})).rejects.toThrow(NotFoundError);
      await expect(unsubscribe(deps, token({ purpose: 'unsubscribe', channel: 'sms', topic: 'all' }), {})).rejects.toThrow(
        NotFoundError,
      );
      expect(directory.ledger).toEqual([]);
    });

    it('refuses a preferences link of the older format, which named no channel, as expired, changing nothing', async () => {
      // Arrange: a link issued before links named their channel
      const older = untagged({ purpose: 'preferences' } as unknown as LinkScope);
      // Act / Assert
      await expect(readPreferences(deps, older)).rejects.toThrow(LinkNotValidError);
      await expect(updatePreferences(deps, older, { topics: { 'email:newsletter': false } }, {})).rejects.toThrow(/expired/);
      expect(directory.ledger).toEqual([]);
    });
  });

  describe('the form states the whole page', () => {
    it('withdraws every topic of the link channel for an empty form, and leaves the other channel alone', async () => {
      // Act: a browser form with every box unticked
      const view = await updatePreferences(deps, emailLink(), { topics: {}, complete: true }, {});
      // Assert
      expect(view).toMatchObject({ topics: { newsletter: false, product_updates: false, marketing: false } });
      expect(stored()?.preferences).toMatchObject({ 'email:newsletter': false, 'email:marketing': false, 'sms:marketing': true });
      expect(directory.ledger).toHaveLength(1);
      expect(directory.ledger[0]).toMatchObject({ channel: 'email', action: 'withdraw', source: 'preference_center' });
    });

    it('asks for email again when "Unsubscribe from all email" is unticked, even with no topic', async () => {
      // Arrange
      directory.recipients.set('c1', { contactId: 'c1', email: EMAIL, preferences: {}, emailOptOutAll: true });
      // Act
      const view = await updatePreferences(deps, emailLink(), { topics: {}, complete: true }, {});
      // Assert
      expect(view).toMatchObject({ unsubscribedFromAllEmail: false });
      expect(stored()?.emailOptOutAll).toBe(false);
    });

    it('changes only what a JSON body names', async () => {
      await updatePreferences(deps, emailLink(), { topics: { 'email:newsletter': false } }, {});
      expect(stored()?.preferences).toMatchObject({ 'email:newsletter': false, 'email:marketing': true });
    });
  });

  describe('texts start only from the phone', () => {
    it('lets a text link stop a topic, or all texts', async () => {
      // Act
      await updatePreferences(deps, smsLink(), { topics: { 'sms:marketing': true }, complete: true }, {});
      // Assert
      expect(stored()?.preferences).toMatchObject({ 'sms:newsletter': false, 'sms:marketing': true, 'email:newsletter': true });
      const view = await updatePreferences(deps, smsLink(), { topics: {}, stopAllTexts: true, complete: true }, {});
      expect(view).toMatchObject({ channel: 'sms', textsStopped: true });
      // "Stop all texts" holds for the number itself, as a STOP does, so no later form re-opts it.
      expect(await directory.addressStatus('sms', PHONE)).toEqual({ suppressed: false, stopped: true });
      expect(await directory.addressStatus('email', EMAIL)).toEqual({ suppressed: false, stopped: false });
    });

    it('refuses to start a text topic from the page, changing nothing', async () => {
      const attempt = updatePreferences(deps, smsLink(), { topics: { 'sms:product_updates': true } }, {});
      await expect(attempt).rejects.toThrow(ValidationError);
      await attempt.catch((error: ValidationError) => expect(error.details?.[0]?.path).toBe('sms.product_updates'));
      expect(directory.ledger).toEqual([]);
    });
  });

  it('refuses a preferences link after its lifetime, saying it expired', async () => {
    const old = token({ purpose: 'preferences', channel: 'email' }, 'c1', new Date(NOW.getTime() - 181 * DAY_MS));
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
    expect(stored()?.preferences['email:newsletter']).toBe(false);
  });

  it('answers 404 for a contact that was erased, changing nothing', async () => {
    const link = token({ purpose: 'preferences', channel: 'email' }, 'gone');
    await expect(updatePreferences(deps, link, { topics: { 'email:marketing': true } }, {})).rejects.toThrow(NotFoundError);
    expect(directory.ledger).toEqual([]);
  });

  it('records the policy version in force and the page wording hash on each change', async () => {
    await updatePreferences(deps, emailLink(), { topics: { 'email:product_updates': true } }, { ip: '198.51.100.1' });
    expect(directory.ledger).toHaveLength(1);
    expect(directory.ledger[0]).toMatchObject({
      channel: 'email',
      topics: ['product_updates'],
      action: 'grant',
      policyVersion: 'v2',
      ip: '198.51.100.1',
    });
    expect(directory.ledger[0]?.wordingHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets a topic-scoped unsubscribe withdraw only that topic', async () => {
    const { scope, address } = await unsubscribe(
      deps,
      token({ purpose: 'unsubscribe', channel: 'email', topic: 'newsletter' }),
      {},
    );
    expect({ scope, address }).toEqual({ scope: 'our newsletter by email', address: 'p***@example.com' });
    expect(stored()?.preferences).toMatchObject({ 'email:newsletter': false, 'email:marketing': true, 'sms:newsletter': true });
    expect(stored()?.emailOptOutAll).toBe(false);
  });

  it('lets a text unsubscribe link stop texts only, and previews it without changing anything', async () => {
    const link = token({ purpose: 'unsubscribe', channel: 'sms', topic: 'all' });
    await expect(previewUnsubscribe(deps, link)).resolves.toEqual({ scope: 'all text messages', address: '+1******0143' });
    expect(directory.ledger).toEqual([]);
    await unsubscribe(deps, link, {});
    expect(stored()?.preferences).toMatchObject({ 'sms:newsletter': false, 'sms:marketing': false, 'email:newsletter': true });
    expect(stored()?.emailOptOutAll).toBe(false);
  });
  describe('after staff correct the address, a link sent to the old one governs nothing', () => {
    const NEW_EMAIL = 'sam@example.com';
    const NEW_PHONE = '+12025550199';
    const CORRECTED_AT = new Date(NOW.getTime() + 3600 * 1000);
    let subscriptions: { markConfirmed: (contactId: string) => Promise<void>; confirmed: string[] };

    /** What staff's PATCH leaves on the contact: the new addresses, when they were set, and no consent on them. */
    function correctAddresses() {
      directory.recipients.set('c1', {
        contactId: 'c1',
        email: NEW_EMAIL,
        phone: NEW_PHONE,
        emailSetAt: CORRECTED_AT.toISOString(),
        phoneSetAt: CORRECTED_AT.toISOString(),
        preferences: {},
      });
      clock.set(new Date(CORRECTED_AT.getTime() + 60_000));
    }

    const subscriptionDeps = () => ({ ...deps, subscriptions: subscriptions as never });
    const confirmLink = (address: string, at = NOW) =>
      issueToken(
        secrets.secrets.keyring,
        'c1',
        {
          purpose: 'subscription_confirm',
          topics: ['newsletter'],
          tag: addressTag(secrets.secrets.addressSalt, 'email', address),
        },
        at.getTime(),
      );

    beforeEach(() => {
      subscriptions = {
        confirmed: [],
        markConfirmed: async (contactId) => {
          subscriptions.confirmed.push(contactId);
        },
      };
    });

    it('works, before the correction, for each link of the address it was sent to (control)', async () => {
      await expect(readPreferences(deps, emailLink())).resolves.toMatchObject({ address: 'p***@example.com' });
      await expect(readPreferences(deps, smsLink())).resolves.toMatchObject({ address: '+1******0143' });
      await expect(
        previewUnsubscribe(deps, token({ purpose: 'unsubscribe', channel: 'sms', topic: 'all' })),
      ).resolves.toBeDefined();
      await expect(previewConfirmation(subscriptionDeps(), confirmLink(EMAIL))).resolves.toMatchObject({
        topics: ['newsletter'],
      });
    });

    it.each([
      ['the email preferences page', () => readPreferences(deps, emailLink())],
      ['the text preferences page', () => readPreferences(deps, smsLink())],
      ['an email preferences change', () => updatePreferences(deps, emailLink(), { topics: { 'email:newsletter': true } }, {})],
      ['a text preferences change', () => updatePreferences(deps, smsLink(), { topics: {}, stopAllTexts: true }, {})],
      [
        'an email unsubscribe preview',
        () => previewUnsubscribe(deps, token({ purpose: 'unsubscribe', channel: 'email', topic: 'all' })),
      ],
      ['an email unsubscribe', () => unsubscribe(deps, token({ purpose: 'unsubscribe', channel: 'email', topic: 'all' }), {})],
      ['a text unsubscribe', () => unsubscribe(deps, token({ purpose: 'unsubscribe', channel: 'sms', topic: 'all' }), {})],
      ['a subscription confirmation preview', () => previewConfirmation(subscriptionDeps(), confirmLink(EMAIL))],
      ['a subscription confirmation', () => confirmSubscription(subscriptionDeps(), confirmLink(EMAIL), {})],
    ] as const)('refuses %s as a foreign link (401), changing nothing', async (_, act) => {
      // Arrange
      const before = structuredClone(directory.recipients.get('c1'));
      correctAddresses();
      const corrected = structuredClone(directory.recipients.get('c1'));
      expect(corrected).not.toEqual(before);
      // Act / Assert
      await expect(act()).rejects.toThrow(LinkNotValidError);
      await expect(act()).rejects.not.toThrow(/expired/);
      expect(directory.ledger).toEqual([]);
      expect(directory.recipients.get('c1')).toEqual(corrected);
      expect(subscriptions.confirmed).toEqual([]);
    });

    it('lets a link sent to the new address govern it', async () => {
      correctAddresses();
      const newLink = token({ purpose: 'preferences', channel: 'email' }, 'c1', clock.now(), NEW_EMAIL);
      await expect(readPreferences(deps, newLink)).resolves.toMatchObject({ address: 's***@example.com' });
      await confirmSubscription(subscriptionDeps(), confirmLink(NEW_EMAIL, clock.now()), {});
      expect(directory.recipients.get('c1')?.preferences['email:newsletter']).toBe(true);
    });

    it('still honours an untagged link issued before tags while its address has not changed since', async () => {
      // Arrange: the email was set before the link was issued; the phone never corrected
      directory.recipients.set('c1', {
        ...directory.recipients.get('c1')!,
        emailSetAt: new Date(NOW.getTime() - 301 * DAY_MS).toISOString(),
      });
      const legacyUnsubscribe = untagged(
        { purpose: 'unsubscribe', channel: 'email', topic: 'newsletter' },
        new Date(NOW.getTime() - 300 * DAY_MS),
      );
      // Act
      await unsubscribe(deps, legacyUnsubscribe, {});
      // Assert
      expect(stored()?.preferences['email:newsletter']).toBe(false);
      await expect(readPreferences(deps, untagged({ purpose: 'preferences', channel: 'sms' }))).resolves.toMatchObject({
        address: '+1******0143',
      });
    });

    it.each([
      ['preferences page', () => readPreferences(deps, untagged({ purpose: 'preferences', channel: 'email' }))],
      ['unsubscribe', () => unsubscribe(deps, untagged({ purpose: 'unsubscribe', channel: 'sms', topic: 'all' }), {})],
      [
        'subscription confirmation',
        () => confirmSubscription(subscriptionDeps(), untagged({ purpose: 'subscription_confirm', topics: ['newsletter'] }), {}),
      ],
    ] as const)('refuses an untagged %s link issued before the address was corrected, changing nothing', async (_, act) => {
      correctAddresses();
      await expect(act()).rejects.toThrow(LinkNotValidError);
      expect(directory.ledger).toEqual([]);
      expect(subscriptions.confirmed).toEqual([]);
    });
  });
});
