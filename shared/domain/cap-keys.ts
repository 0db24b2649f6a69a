import { createHmac } from 'node:crypto';

/**
 * The keys the caps on what a stranger can make us send are counted under: keyed HMACs with the
 * deployment's address salt, so that neither the counter items nor a stored `clientKey` give back
 * an IP or a mailbox, even to someone who tries every address (an unsalted hash would).
 */
const keyed = (salt: string, kind: 'client' | 'mailbox', value: string) =>
  createHmac('sha256', salt).update(`cap:${kind}:${value}`).digest('base64url').slice(0, 22);

/** One key per client address, for the per-IP caps. */
export function clientKey(salt: string, ip: string): string {
  return keyed(salt, 'client', ip);
}

/**
 * One key per mailbox: the local part without a `+tag`, and for Gmail without its dots, so that
 * the aliases that reach one inbox share its cap.
 */
export function mailboxKey(salt: string, email: string): string {
  const [local = '', domain = ''] = email
    .trim()
    .toLowerCase()
    .split(/@(?=[^@]*$)/);
  const gmail = domain === 'gmail.com' || domain === 'googlemail.com';
  const base = local.split('+')[0] ?? '';
  return keyed(salt, 'mailbox', `${gmail ? base.replaceAll('.', '') : base}@${gmail ? 'gmail.com' : domain}`);
}
