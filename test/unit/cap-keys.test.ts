import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { clientKey, mailboxKey } from '../../shared/domain/cap-keys.js';

const SALT_A = 'salt-of-deployment-a';
const SALT_B = 'salt-of-deployment-b';
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

describe('cap keys', () => {
  it('keys an IP with the deployment salt: another salt gives another key, and no plain hash or the IP shows', () => {
    const ip = '203.0.113.9';

    const a = clientKey(SALT_A, ip);
    const b = clientKey(SALT_B, ip);

    expect(a).toMatch(/^[\w-]{22}$/);
    expect(a).not.toBe(b);
    expect([a, b]).not.toContain(sha256(ip));
    expect(a).not.toContain(ip);
    expect(clientKey(SALT_A, ip)).toBe(a);
    expect(clientKey(SALT_A, '203.0.113.10')).not.toBe(a);
  });

  it('keys a mailbox with the deployment salt: another salt gives another key, and no plain hash or the address shows', () => {
    const a = mailboxKey(SALT_A, 'jane@example.com');
    const b = mailboxKey(SALT_B, 'jane@example.com');

    expect(a).not.toBe(b);
    expect([a, b]).not.toContain(sha256('jane@example.com'));
    expect(a).not.toContain('jane');
  });

  it('gives the aliases that reach one inbox one key, and other mailboxes their own', () => {
    const key = mailboxKey(SALT_A, 'jane.doe@gmail.com');

    expect(mailboxKey(SALT_A, 'janedoe@gmail.com')).toBe(key);
    expect(mailboxKey(SALT_A, 'Jane.Doe+shop@googlemail.com')).toBe(key);
    expect(mailboxKey(SALT_A, 'jane@example.com')).toBe(mailboxKey(SALT_A, 'jane+x@example.com'));
    expect(mailboxKey(SALT_A, 'jane.doe@example.com')).not.toBe(mailboxKey(SALT_A, 'janedoe@example.com'));
    expect(mailboxKey(SALT_A, 'janedoe@gmail.com')).not.toBe(mailboxKey(SALT_A, 'janedoe@example.com'));
  });

  it('never gives a client and a mailbox of the same text one key', () => {
    expect(clientKey(SALT_A, 'jane@example.com')).not.toBe(mailboxKey(SALT_A, 'jane@example.com'));
  });
});
