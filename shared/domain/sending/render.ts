import { listUnsubscribeHeaders, withEmailFooter, withSmsFooter } from '../footer.js';
import type { Brand, Category, EmailBody, SmsBody } from '../messages.js';

/** The links each message carries, made for one recipient. */
export interface RecipientLinks {
  preferencesUrl: string;
  unsubscribeUrl: string;
  shortPreferencesUrl: string;
}

/** An email as it leaves: body plus footer, and the one-click headers on non-transactional mail. */
export function renderEmail(brand: Brand, category: Category, body: EmailBody, links: RecipientLinks) {
  const rendered = withEmailFooter(body, category, brand, links);
  const headers = category === 'transactional' ? [] : listUnsubscribeHeaders(links.unsubscribeUrl);
  return { ...rendered, headers };
}

/**
 * A text as it leaves: brand and STOP wording, and the short preferences link where it fits. The
 * STOP confirmation is the last text, with nothing more to act on.
 */
export function renderSms(
  brand: Brand,
  body: SmsBody,
  links: RecipientLinks,
  keywordReply?: 'opt_out' | 'opt_in' | 'help',
): string {
  return keywordReply === 'opt_out' ? body.text : withSmsFooter(body, brand, links.shortPreferencesUrl);
}
