import type { Category, Brand, EmailBody, SmsBody } from './messages.js';
import { escapeHtml } from './html.js';

/** Human names of the categories, for the "why you receive this" line. */
const CATEGORY_LABELS: Record<Category, string> = {
  transactional: 'a request you made',
  service_notice: 'changes to our service and privacy policy',
  legal_notice: 'a change of who holds your information',
  newsletter: 'our newsletter',
  product_updates: 'product updates',
  marketing: 'offers and promotions',
};

/** The sentence that tells a person why this message reached them (CAN-SPAM). */
export function reasonFor(category: Category, brand: Brand): string {
  if (category === 'transactional') {
    return `You receive this email because you contacted ${brand.brandName} through our website.`;
  }
  if (category === 'service_notice' || category === 'legal_notice') {
    return `You receive this email because you are in contact with ${brand.brandName} and we must tell you about ${CATEGORY_LABELS[category]}.`;
  }
  return `You receive this email because you opted in to ${CATEGORY_LABELS[category]} from ${brand.brandName}.`;
}

/** What the unsubscribe link withdraws, as its label says. */
function unsubscribeLabel(category: Category): string {
  if (category === 'transactional' || category === 'service_notice' || category === 'legal_notice')
    return 'Unsubscribe from all email';
  return `Unsubscribe from ${CATEGORY_LABELS[category]}`;
}

export interface FooterLinks {
  preferencesUrl: string;
  unsubscribeUrl: string;
}

/** Adds the SPEC §2 footer to an email: brand, postal address, reason, preferences and unsubscribe. */
export function withEmailFooter(
  body: EmailBody,
  category: Category,
  brand: Brand,
  links: FooterLinks,
): { subject: string; text: string; html: string } {
  const reason = reasonFor(category, brand);
  const text = [
    body.text.trimEnd(),
    '',
    '--',
    brand.brandName,
    brand.postalAddress,
    reason,
    `Manage your preferences: ${links.preferencesUrl}`,
    `${unsubscribeLabel(category)}: ${links.unsubscribeUrl}`,
  ].join('\n');
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(body.subject)}</title></head><body>`,
    body.html,
    '<hr>',
    `<footer><p><strong>${escapeHtml(brand.brandName)}</strong><br>${escapeHtml(brand.postalAddress)}</p>`,
    `<p>${escapeHtml(reason)}</p>`,
    `<p><a href="${escapeHtml(links.preferencesUrl)}">Manage your preferences</a> · `,
    `<a href="${escapeHtml(links.unsubscribeUrl)}">${escapeHtml(unsubscribeLabel(category))}</a></p></footer>`,
    '</body></html>',
  ].join('');
  return { subject: body.subject, text, html };
}

/** The RFC 2369 / RFC 8058 one-click headers every non-transactional email carries. */
export function listUnsubscribeHeaders(unsubscribeUrl: string): { name: string; value: string }[] {
  return [
    { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
}

/**
 * Adds the brand and opt-out wording to an SMS (CTIA): the brand first, `Reply STOP to opt out`
 * last, and the short preferences link only where it fits: when it adds no segment.
 */
export function withSmsFooter(body: SmsBody, brand: Brand, preferencesUrl: string | undefined): string {
  const lead = body.text.startsWith(`${brand.brandName}:`) ? body.text : `${brand.brandName}: ${body.text}`;
  const stop = /\bSTOP to opt out\b/i.test(lead) ? '' : ' Reply STOP to opt out.';
  const withoutLink = `${lead}${stop}`;
  if (!preferencesUrl) return withoutLink;
  const withLink = `${withoutLink} Prefs: ${preferencesUrl}`;
  return smsSegments(withLink) <= smsSegments(withoutLink) ? withLink : withoutLink;
}

const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€';

/** How many SMS segments a text takes: GSM-7 at 160/153, otherwise UCS-2 at 70/67. */
export function smsSegments(text: string): number {
  let gsmUnits = 0;
  let isGsm = true;
  for (const char of text) {
    if (GSM7.includes(char)) gsmUnits += 1;
    else if (GSM7_EXTENDED.includes(char)) gsmUnits += 2;
    else {
      isGsm = false;
      break;
    }
  }
  if (isGsm) return gsmUnits <= 160 ? 1 : Math.ceil(gsmUnits / 153);
  const ucs2Units = text.length;
  return ucs2Units <= 70 ? 1 : Math.ceil(ucs2Units / 67);
}
