/**
 * Local parts that a machine answers, not a person: replying to them starts a mail loop or
 * bounces (RFC 3834 §2: never auto-reply to an automatic sender). Matched as whole words of the
 * local part, so `bounce-123@`, `no_reply@` and `donotreply@` count and `janet.noreplyson@` does
 * not.
 */
const AUTOMATED_LOCAL_PARTS = [
  'noreply',
  'no-reply',
  'no_reply',
  'donotreply',
  'do-not-reply',
  'do_not_reply',
  'mailer-daemon',
  'mailerdaemon',
  'postmaster',
  'bounce',
  'bounces',
  'auto-reply',
  'autoreply',
  'auto-responder',
  'autoresponder',
  'daemon',
  'notifications',
  'notification',
  'listserv',
  'majordomo',
];

/** Local-part prefixes of mailing-list and bounce machinery (`owner-list@`, `bounce+token@`). */
const AUTOMATED_PREFIXES = /^(owner-|bounce[-+._]|bounces[-+._]|noreply[-+._]|no-reply[-+._]|mailer-daemon[-+._])/;

/**
 * Whether an email address looks automated, so that no acknowledgement is sent to it: a support
 * form must not answer a bounce handler or a no-reply sender.
 */
export function looksAutomated(email: string): boolean {
  const at = email.lastIndexOf('@');
  const local = (at >= 0 ? email.slice(0, at) : email).trim().toLowerCase();
  const base = local.split('+')[0] ?? local;
  if (AUTOMATED_LOCAL_PARTS.includes(base) || AUTOMATED_LOCAL_PARTS.includes(local)) return true;
  if (AUTOMATED_PREFIXES.test(local)) return true;
  const words = base.split(/[._]/);
  return words.some((word) => AUTOMATED_LOCAL_PARTS.includes(word));
}
