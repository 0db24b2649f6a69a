import * as z from 'zod/mini';
import { CHANNELS, TOPICS } from '../../shared/domain/consent.js';
import type { PreferenceKey } from '../../shared/domain/consent.js';
import type { PreferenceUpdate } from '../../shared/domain/preferences/preference-center.js';

const topicFlags = z.strictObject(
  Object.fromEntries(TOPICS.map((topic) => [topic, z.optional(z.boolean())])) as Record<
    (typeof TOPICS)[number],
    z.ZodMiniOptional<z.ZodMiniBoolean>
  >,
);

/** `POST /preferences` as JSON: a partial update; an unknown channel or topic is a 400. */
export const preferencesJsonSchema = z.strictObject({
  email: z.optional(topicFlags),
  sms: z.optional(topicFlags),
  unsubscribeAllEmail: z.optional(z.boolean()),
  stopAllTexts: z.optional(z.boolean()),
});

const CHECKED = z.literal('on');

/** The form field of one topic box: `email.newsletter`. */
export const fieldName = (channel: string, topic: string) => `${channel}.${topic}`;

/** `POST /preferences` as the page's form: the whole state, an unticked box being absent. */
export const preferencesFormSchema = z.strictObject({
  ...Object.fromEntries(CHANNELS.flatMap((channel) => TOPICS.map((topic) => [fieldName(channel, topic), z.optional(CHECKED)]))),
  unsubscribeAllEmail: z.optional(CHECKED),
  stopAllTexts: z.optional(CHECKED),
});

/** A JSON body as a PreferenceUpdate: only the flags it names change. */
export function fromJson(body: z.output<typeof preferencesJsonSchema>): PreferenceUpdate {
  const topics: PreferenceUpdate['topics'] = {};
  for (const channel of CHANNELS) {
    for (const topic of TOPICS) {
      const value = body[channel]?.[topic];
      if (value !== undefined) topics[`${channel}:${topic}` as PreferenceKey] = value;
    }
  }
  return {
    topics,
    ...(body.unsubscribeAllEmail !== undefined ? { unsubscribeAllEmail: body.unsubscribeAllEmail } : {}),
    ...(body.stopAllTexts !== undefined ? { stopAllTexts: body.stopAllTexts } : {}),
  };
}

/** A form post as a PreferenceUpdate: every box is stated, ticked or not. */
export function fromForm(fields: Record<string, string | undefined>): PreferenceUpdate {
  const topics: PreferenceUpdate['topics'] = {};
  for (const channel of CHANNELS) {
    for (const topic of TOPICS) topics[`${channel}:${topic}` as PreferenceKey] = fields[fieldName(channel, topic)] === 'on';
  }
  return { topics, unsubscribeAllEmail: fields.unsubscribeAllEmail === 'on', stopAllTexts: fields.stopAllTexts === 'on' };
}
