import * as z from 'zod/mini';

/**
 * The character rules for free text that reaches a message (SPEC §3): a name, a company name, an
 * inquiry's message. Written once here and used by every request schema, so that no field that
 * ends up in a Subject, a greeting or an HTML part can carry a header break, a reordering of the
 * text around it, or characters the reader cannot see.
 */
export interface TextRules {
  /** `single` for a name or a subject; `multi` for a message, which may hold \n, \r and \t. */
  lines: 'single' | 'multi';
  /** Whether a web address is refused: a name is echoed in a greeting, where a mail client links it. */
  webAddresses: 'refused' | 'allowed';
}

/** A person's or a company's name: one line, no web address. */
export const NAME_TEXT: TextRules = { lines: 'single', webAddresses: 'refused' };

/** One line that may hold a web address: a subject, a page URL. */
export const ONE_LINE_TEXT: TextRules = { lines: 'single', webAddresses: 'allowed' };

/** A message typed into a form: several lines; a web address may be part of what a person says. */
export const MESSAGE_TEXT: TextRules = { lines: 'multi', webAddresses: 'allowed' };

/*
 * Refused in every field:
 * - Cc: C0 controls, DEL and C1 controls (U+0085 NEL breaks a line in some mail clients);
 * - Cf: format characters, which are invisible: bidirectional overrides, embeddings, isolates and
 *   marks (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), zero-width characters
 *   (U+200B–U+200D, U+2060–U+2064, U+FEFF), the soft hyphen U+00AD, U+180E and the rest. The
 *   zero-width joiner goes with them, so an emoji joined by one (a family, a profession) is refused;
 *   a single emoji, with its variation selector, passes;
 * - Zl/Zp: the line and paragraph separators U+2028/U+2029;
 * - Cs: a lone surrogate, which has no UTF-8 encoding and so cannot be put in a header.
 */
const BLANK_LOOKALIKES = '\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u2800\\u3164\\uFFA0';
/*
 * Also refused: characters that render as nothing but are not format characters (the Hangul
 * fillers U+115F, U+1160, U+3164, U+FFA0, the combining grapheme joiner U+034F, the Khmer vowels
 * U+17B4/U+17B5, the braille blank U+2800), and a base character stacked with more than four
 * combining marks (text that spills over the lines around it).
 */
const FORBIDDEN_IN_ONE_LINE = new RegExp(`[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}${BLANK_LOOKALIKES}]|\\p{M}{5,}`, 'u');
const FORBIDDEN_IN_LINES = new RegExp(`[^\\P{Cc}\\n\\r\\t]|[\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}${BLANK_LOOKALIKES}]|\\p{M}{5,}`, 'u');

/** The first character the rules refuse, as `U+XXXX`, or undefined when the text is clean. */
export function forbiddenCharacterIn(text: string, lines: TextRules['lines']): string | undefined {
  const found = (lines === 'single' ? FORBIDDEN_IN_ONE_LINE : FORBIDDEN_IN_LINES).exec(text)?.[0];
  if (found === undefined) return undefined;
  return `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

// Full stops as IDNA maps them (U+3002, U+FF0E, U+FF61): mail clients link `evil\u3002com` too.
// The full stop and the characters mail clients also take for one: ideographic, full-width,
// half-width, one-dot leader, small full stop.
const DOT = '[.\\u3002\\uFF0E\\uFF61\\u2024\\uFE52]';
// Each alternative matches a short, fixed-shape piece, so the test stays linear in the text's length.
const WEB_ADDRESS = new RegExp(
  [
    ':\\/\\/', // a scheme: http://, https://, ftp://
    `(?:^|[^\\p{L}\\p{N}])www${DOT}`,
    `[\\p{L}\\p{N}-]${DOT}\\p{L}{2,63}(?![\\p{L}\\p{N}])`, // the end of a domain: bit.ly, evil.example/x, evil.рф
    '(?:^|[^\\p{N}.])\\d{1,3}(?:\\.\\d{1,3}){3}(?![\\p{N}.])', // an IPv4 address
  ].join('|'),
  'iu',
);

/**
 * Whether the text holds a web address: a scheme (`https://`), `www.`, an IPv4 address, or a bare
 * domain: a word, a full stop and a top-level domain with no space between (`bit.ly`,
 * `evil.example/x`, `Dealer.com`).
 *
 * Any alphabetic top-level domain counts, because there are some 1,500 of them, many ordinary
 * words (`.auto`, `.cars`, `.monster`), and mail clients link them all. So `Dealer.com Motors` is
 * refused, a judgement call: a name that a mail client turns into a link is the relay this rule
 * exists to stop, and a company whose brand is a domain can say so in the message. The price is
 * that a period with no space after it (`St.Louis Motors`, `J.Smith`) is refused too; the error
 * says to add the space. Names written the usual way pass: `J. R. Smith`, `J.R. Smith`,
 * `Smith & Sons Inc.`, `O'Brien`, `No.1 Auto`.
 */
export function containsWebAddress(text: string): boolean {
  return WEB_ADDRESS.test(text);
}

/** What is wrong with the text under the rules, as a sentence for the error details, or undefined. */
export function textProblem(text: string, rules: TextRules): string | undefined {
  const character = forbiddenCharacterIn(text, rules.lines);
  if (character) {
    return `must not contain control, invisible or bidirectional formatting characters (found ${character})`;
  }
  if (rules.webAddresses === 'refused' && containsWebAddress(text)) {
    return 'must not contain a web address (if this is a name with a period, put a space after the period)';
  }
  return undefined;
}

/** The rules as a zod/mini check on a string field: one issue, on that field, naming the problem. */
export function followsTextRules(rules: TextRules): z.core.$ZodCheck<string> {
  return z.check<string>((context) => {
    const problem = textProblem(context.value, rules);
    if (problem) context.issues.push({ code: 'custom', input: context.value, message: problem });
  });
}
