import type { SupportFlag } from './support-request.js';

/*
 * Phrasings that plainly ask for one of the rights the privacy policy and the law give (11 CCR
 * §7020(e): a request sent through a channel not designated for it is still a request, and its
 * clock runs from receipt). Each pattern names both the act and the person's own data or the
 * messages, so "delete a vehicle from my inventory" or "update the pricing on my listing" do not
 * count. A false flag costs a member of staff a glance; a missed one costs a legal deadline.
 */
const MY = String.raw`(?:my|our|all my|all of my|all our)\s+(?:personal\s+)?`;
/** The person's own data; "my account" only where deletion is asked, since "I can't access my account" is a login problem. */
const MY_DATA = String.raw`${MY}(?:data|information|info|details|records?|contact (?:details|information|info))`;
const MY_DATA_OR_ACCOUNT = String.raw`${MY}(?:data|information|info|details|records?|account|contact (?:details|information|info))`;
const DATA_YOU_HOLD = String.raw`(?:data|information|info|records?) (?:that )?(?:you|your company) (?:have|hold|keep|store|collected)`;

const PATTERNS: Record<SupportFlag, RegExp[]> = {
  privacy_deletion: [
    new RegExp(String.raw`\b(?:delete|erase|remove|purge|wipe|destroy)\b[^.!?\n]{0,30}?\b${MY_DATA_OR_ACCOUNT}\b`),
    new RegExp(String.raw`\b(?:delete|erase|remove|purge|wipe|destroy)\b[^.!?\n]{0,30}?\b${DATA_YOU_HOLD}\b`),
    /\bright to (?:be forgotten|erasure|delete|deletion)\b/,
    /\b(?:deletion|erasure) request\b/,
    /\bforget (?:me|about me)\b/,
  ],
  privacy_access: [
    new RegExp(
      String.raw`\b(?:copy of|access to|access|see|view|export|download|send me|give me|obtain|request)\b[^.!?\n]{0,30}?\b${MY_DATA}\b`,
    ),
    new RegExp(
      String.raw`\b(?:copy of|access|see|view|export|download|send me|give me|tell me|show me|obtain|know)\b[^.!?\n]{0,30}?\b${DATA_YOU_HOLD}\b`,
    ),
    /\bwhat (?:personal )?(?:data|information|info) (?:do |does |did )?(?:you|your company|you guys) (?:have|hold|keep|store|collect|collected)\b/,
    /\bright to (?:know|access)\b/,
    /\b(?:data subject access|subject access request|dsar|access request)\b/,
  ],
  privacy_correction: [
    new RegExp(String.raw`\b(?:correct|update|fix|change|amend|rectify)\b[^.!?\n]{0,30}?\b${MY_DATA}\b`),
    /\b(?:correct|update|fix|change|amend|rectify) my (?:name|email|email address|phone|phone number|address|mailing address)\b/,
    /\bmy (?:name|email|email address|phone|phone number|address|details|information|info|data) (?:is|are) (?:wrong|incorrect|inaccurate|out of date|outdated|misspelled)\b/,
    /\bright to (?:correct|correction|rectification)\b/,
  ],
  opt_out: [
    /\b(?:stop|quit|cease)\s+(?:emailing|e-mailing|texting|messaging|sending|contacting|calling|spamming)\b/,
    /\b(?:don'?t|do not|never)\s+(?:email|e-mail|text|message|contact|call|send)\s+(?:me|us|this|my)\b/,
    /\bno more\s+(?:emails?|e-mails?|texts?|messages?|newsletters?|calls?)\b/,
    /\bunsubscribe\b/,
    /\bopt(?:\s|-)?(?:me\s+)?out\b/,
    /\b(?:remove|take)\s+(?:me|my (?:email|number|address))\s+(?:from|off)\b/,
    /\bdo not (?:sell|share)\b/,
  ],
};

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ');
}

/**
 * The rights a support request plainly asks for: access, correction or deletion of the person's
 * data, or to stop messages. Read from the subject and the message together.
 */
export function privacyFlagsOf(subject: string, message: string): SupportFlag[] {
  const text = normalise(`${subject}\n${message}`);
  return (Object.keys(PATTERNS) as SupportFlag[])
    .filter((flag) => PATTERNS[flag].some((pattern) => pattern.test(text)))
    .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}

const ORDER: readonly SupportFlag[] = ['privacy_access', 'privacy_correction', 'privacy_deletion', 'opt_out'];

/** How a flag reads in the subject line of the forwarded email. */
export const FLAG_LABELS: Record<SupportFlag, string> = {
  privacy_access: 'PRIVACY: ACCESS',
  privacy_correction: 'PRIVACY: CORRECTION',
  privacy_deletion: 'PRIVACY: DELETION',
  opt_out: 'OPT-OUT',
};
