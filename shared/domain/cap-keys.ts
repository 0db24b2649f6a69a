import { createHash } from 'node:crypto';

/**
 * The keys the caps on what a stranger can make us send are counted under: hashed, so that the
 * counter items hold no address.
 */
const hashed = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/** One key per client address, for the per-IP caps. */
export function clientKey(ip: string): string {
  return hashed(ip);
}

/**
 * One key per mailbox: the local part without a `+tag`, and for Gmail without its dots, so that
 * the aliases that reach one inbox share its cap.
 */
export function mailboxKey(email: string): string {
  const [local = '', domain = ''] = email
    .trim()
    .toLowerCase()
    .split(/@(?=[^@]*$)/);
  const gmail = domain === 'gmail.com' || domain === 'googlemail.com';
  const base = local.split('+')[0] ?? '';
  return hashed(`${gmail ? base.replaceAll('.', '') : base}@${gmail ? 'gmail.com' : domain}`);
}
