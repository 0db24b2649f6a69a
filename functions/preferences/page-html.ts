import { TOPICS } from '../../shared/domain/consent.js';
import { escapeHtml } from '../../shared/domain/html.js';
import { PREFERENCE_CENTER_WORDING, topicField } from '../../shared/domain/preferences/preference-center.js';
import type { PreferenceView } from '../../shared/domain/preferences/preference-center.js';

const CHANNEL_LEGENDS = { email: 'Email', sms: 'Text messages (SMS)' } as const;
const TOPIC_LABELS = {
  newsletter: 'Newsletter',
  product_updates: 'Product updates',
  marketing: 'Offers and promotions',
} as const;

/** The paragraph an SMS topic box that is off points to: only the phone can start texts. */
const SMS_START_NOTE_ID = 'sms-start';

/**
 * The preference form of one address (the one the link was sent to): a labelled checkbox per topic
 * of its channel and the channel-wide switch; no script. An SMS topic that is off cannot be ticked
 * here, because only a reply from the number starts texts (SPEC §2).
 */
export function preferencesForm(view: PreferenceView, token: string, saved: boolean): string {
  const boxes = TOPICS.map((topic) => {
    const name = topicField(view.channel, topic);
    const on = view.topics[topic];
    const locked = view.channel === 'sms' && !on ? ` disabled aria-describedby="${SMS_START_NOTE_ID}"` : '';
    return `<label for="${name}"><input type="checkbox" id="${name}" name="${name}"${on ? ' checked' : ''}${locked}>${TOPIC_LABELS[topic]}</label>`;
  }).join('');
  const stopAll =
    view.channel === 'email'
      ? `<label for="unsubscribeAllEmail"><input type="checkbox" id="unsubscribeAllEmail" name="unsubscribeAllEmail"${view.unsubscribedFromAllEmail ? ' checked' : ''}>Unsubscribe from all email</label>`
      : '<label for="stopAllTexts"><input type="checkbox" id="stopAllTexts" name="stopAllTexts">Stop all texts</label>';
  const smsNote =
    view.channel === 'sms'
      ? `<p id="${SMS_START_NOTE_ID}">${view.textsStopped ? 'You receive no text messages from us. ' : ''}` +
        'To get texts on a topic again, reply START to one of our texts.</p>'
      : '';
  return [
    saved ? '<p class="notice" role="status">Your preferences are saved.</p>' : '',
    `<p>${escapeHtml(PREFERENCE_CENTER_WORDING(view.brand, view.channel))}</p>`,
    `<p>These choices are for <strong>${escapeHtml(view.address)}</strong> only.</p>`,
    `<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}">`,
    `<fieldset><legend>${CHANNEL_LEGENDS[view.channel]}</legend>${boxes}${stopAll}</fieldset>`,
    smsNote,
    '<button type="submit">Save preferences</button></form>',
  ].join('');
}
