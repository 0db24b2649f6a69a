/** `jane@example.com` → `j***@example.com`: enough for a person to recognise, not to contact. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** `+15555550123` → `+1******0123`: country code and last four digits only. */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '***';
  const countryCodeLength = phone.startsWith('+1') ? 2 : 3;
  return `${phone.slice(0, countryCodeLength)}${'*'.repeat(phone.length - countryCodeLength - 4)}${phone.slice(-4)}`;
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE_IN_TEXT = /\+?\d[\d\s().-]{6,}\d/g;

/**
 * Masks any email address or phone number inside free text, such as a provider's error message
 * ("... identities failed the check: jane@example.com"), before it reaches a log line.
 */
export function redactContactDetails(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, (email) => maskEmail(email))
    .replace(PHONE_IN_TEXT, (phone) => maskPhone(phone.replace(/[^\d+]/g, '')));
}

/** What a log line may hold of an error: its name, a redacted message, and the same of its cause. */
export interface LoggableError {
  name: string;
  message: string;
  cause?: LoggableError;
}

/** How deep a cause chain is followed; a longer chain (or a cycle) ends in a marker. */
const MAX_CAUSE_DEPTH = 5;

/**
 * An error reduced to what a log line may hold: its name and a redacted message, and the same for
 * each error in its `cause` chain. The cause is usually what explains a failure (a DynamoDB
 * cancellation reason under a domain error, a provider's refusal under a send error), and its
 * message can quote an address as easily as the outer one can.
 */
export function loggableError(error: unknown): LoggableError {
  return reduceError(error, 0);
}

function reduceError(error: unknown, depth: number): LoggableError {
  if (!(error instanceof Error)) return { name: 'NonError', message: redactContactDetails(String(error)) };
  const reduced: LoggableError = { name: error.name, message: redactContactDetails(error.message) };
  if (error.cause === undefined) return reduced;
  reduced.cause =
    depth + 1 >= MAX_CAUSE_DEPTH
      ? { name: 'CauseChainTruncated', message: `more than ${MAX_CAUSE_DEPTH} errors deep` }
      : reduceError(error.cause, depth + 1);
  return reduced;
}
