import { CHANNELS, TOPICS } from '../../shared/domain/consent.js';
import { escapeHtml } from '../../shared/domain/html.js';
import type { PreferenceView } from '../../shared/domain/preferences/preference-center.js';
import { fieldName } from './schema.js';

const CHANNEL_LABELS = { email: 'Email', sms: 'Text messages (SMS)' } as const;
const TOPIC_LABELS = {
  newsletter: 'Newsletter',
  product_updates: 'Product updates',
  marketing: 'Offers and promotions',
} as const;

/** The preference form: a labelled checkbox per topic × channel and the two channel-wide switches; no script. */
export function preferencesForm(view: PreferenceView, token: string, saved: boolean): string {
  const who = [view.contact.email, view.contact.phone].filter(Boolean).map((value) => escapeHtml(value ?? ''));
  // A channel without an address has nothing to choose.
  const channels = CHANNELS.filter((channel) => (channel === 'email' ? view.contact.email : view.contact.phone) !== undefined);
  const fieldsets = channels
    .map((channel) => {
      const boxes = TOPICS.map((topic) => {
        const name = fieldName(channel, topic);
        const checked = view.preferences[channel][topic] ? ' checked' : '';
        return `<label for="${name}"><input type="checkbox" id="${name}" name="${name}"${checked}>${TOPIC_LABELS[topic]}</label>`;
      }).join('');
      const channelWide =
        channel === 'email'
          ? `<label for="unsubscribeAllEmail"><input type="checkbox" id="unsubscribeAllEmail" name="unsubscribeAllEmail"${view.unsubscribedFromAllEmail ? ' checked' : ''}>Unsubscribe from all email</label>`
          : '<label for="stopAllTexts"><input type="checkbox" id="stopAllTexts" name="stopAllTexts">Stop all texts</label>';
      return `<fieldset><legend>${CHANNEL_LABELS[channel]}</legend>${boxes}${channelWide}</fieldset>`;
    })
    .join('');
  return [
    saved ? '<p class="notice" role="status">Your preferences are saved.</p>' : '',
    `<p>Choose what ${escapeHtml(view.brand)} may send ${who.length > 0 ? `to ${who.join(' and ')}` : 'you'}.</p>`,
    `<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}">`,
    fieldsets,
    view.contact.phone && view.textsStopped ? '<p>You receive no text messages from us.</p>' : '',
    '<button type="submit">Save preferences</button></form>',
  ].join('');
}
