import * as z from 'zod/mini';
import { toE164 } from '../domain/contact.js';

/**
 * The request fields several routes share, each with the words its error detail gives. They are
 * functions, so that a bundle that uses none of them (the phone parser is large) keeps none.
 */

/** A length check whose detail names the limit. */
export const maxChars = (max: number) => z.maxLength(max, `must be at most ${max} characters`);

/** An email address as a form gives it: valid, at most 254 characters (RFC 5321). */
export const emailAddress = () => z.email('must be a valid email address').check(maxChars(254));

/** A phone number as a form gives it, parsed to E.164. */
export const phoneNumber = () =>
  z.pipe(
    z.string(),
    z.transform((value, context) => {
      const e164 = toE164(value);
      if (e164) return e164;
      context.issues.push({ code: 'custom', input: value, message: 'must be a valid North American (+1) phone number' });
      return z.NEVER;
    }),
  );
