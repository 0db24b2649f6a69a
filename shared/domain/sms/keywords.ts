/**
 * What an inbound text asks for (SPEC §3, CTIA, and the FCC's 2025 "any reasonable means" rule):
 * the standard keywords, matched ignoring case and surrounding spaces and punctuation, and
 * free-text replies that plainly ask to stop.
 */
export type InboundIntent = 'opt_out' | 'opt_in' | 'help' | 'other';

export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
  'OPT-OUT',
  'REMOVE',
  'ARRET',
  'TD',
];
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'];
export const HELP_KEYWORDS = ['HELP', 'INFO'];

/**
 * Free-text phrasings that plainly ask to stop. Each names the texting or the sender, so that
 * "can I stop by Tuesday" or "cancel my appointment" do not count.
 */
const STOP_PHRASES: RegExp[] = [
  // "stop texting me", "please quit messaging", "cease contacting this number"
  /\b(stop|quit|cease|end)\s+(texting|txting|messaging|sending|contacting|spamming|calling)\b/,
  // "don't text me", "do not message this number", "never contact me again"
  /\b(don'?t|dont|do not|never)\s+(text|txt|message|msg|contact|sms|send)\s+(me|us|this number|my number|to this number)\b/,
  // "no more texts", "no more messages please"
  /\bno more\s+(texts?|txts?|messages?|msgs?|sms)\b/,
  // "unsubscribe me", "opt me out", "remove me from your list", "take me off this list"
  /\b(unsubscribe|remove|delete)\s+(me|my number|this number)\b/,
  /\bopt\s*me\s*out\b/,
  /\btake (me|my number|this number) off\b/,
  // "wrong number", "who is this? wrong number, stop" — the person did not ask for these texts
  /\bwrong (number|person)\b/,
  // "leave me alone"
  /\bleave me alone\b/,
  // a message that is only a stop request: "stop!!", "Stop please", "please stop", "STOP IT", "stop now"
  /^(please\s+)?(stop|unsubscribe|opt out)(\s+(it|now|please|pls|all|already|thanks|thank you))*$/,
];

function normalise(body: string): string {
  return body
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^a-z0-9'\-\s]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Classifies one inbound text. */
export function classifyInboundSms(body: string): InboundIntent {
  const keyword = body
    .trim()
    .replace(/^[\s.!?"']+|[\s.!?"']+$/g, '')
    .toUpperCase();
  if (OPT_OUT_KEYWORDS.includes(keyword)) return 'opt_out';
  if (OPT_IN_KEYWORDS.includes(keyword)) return 'opt_in';
  if (HELP_KEYWORDS.includes(keyword)) return 'help';
  const text = normalise(body);
  if (STOP_PHRASES.some((phrase) => phrase.test(text))) return 'opt_out';
  return 'other';
}
