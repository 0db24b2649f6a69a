import type * as z from 'zod/mini';
import type { ErrorDetail } from '../domain/errors.js';
import { ValidationError } from '../domain/errors.js';

type Issue = z.core.$ZodIssue;

/** A readable sentence for an issue that carries no message of its own. */
function describe(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be a ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${String(issue.minimum)} characters` : 'is too small';
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters` : 'is too big';
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'email'
        ? 'must be a valid email address'
        : issue.format === 'url'
          ? 'must be an http(s) URL'
          : 'has the wrong format';
    default:
      return 'is not valid';
  }
}

/** Turns zod issues into SPEC §3 details, one per field; unknown fields are named one by one. */
export function toDetails(issues: readonly Issue[]): ErrorDetail[] {
  return issues.flatMap((issue): ErrorDetail[] => {
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
      return issue.keys.map((key) => ({ path: `${prefix}${key}`, message: 'is not an allowed field' }));
    }
    const message = issue.message && issue.message !== 'Invalid input' ? issue.message : describe(issue);
    return [{ path: issue.path.join('.') || '(body)', message }];
  });
}

/** Parses a value with a schema, throwing a ValidationError (400) that names each bad field. */
export function validate<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toDetails(result.error.issues));
  return result.data;
}
