import * as z from 'zod/mini';
import { CHANNELS, TOPICS } from '../../shared/domain/consent.js';
import type { PreferenceKey } from '../../shared/domain/consent.js';
import { STOP_ALL_FIELD, topicField } from '../../shared/domain/preferences/preference-center.js';
import type { PreferenceUpdate } from '../../shared/domain/preferences/preference-center.js';

const topicFlags = z.strictObject(
  Object.fromEntries(TOPICS.map((topic) => [topic, z.optional(z.boolean())])) as Record<
    (typeof TOPICS)[number],
    z.ZodMiniOptional<z.ZodMiniBoolean>
  >,
);

/**
 * `POST /preferences` as JSON: a partial update, `{"email": {"newsletter": false}}`. An unknown
 * channel or topic is a 400 here; a channel other than the link's is a 400 in the use case.
 */
export const preferencesJsonSchema = z.strictObject({
  email: z.optional(topicFlags),
  sms: z.optional(topicFlags),
  unsubscribeAllEmail: z.optional(z.boolean()),
  stopAllTexts: z.optional(z.boolean()),
});

const CHECKED = z.literal('on');

/**
 * `POST /preferences` as the page's form: the ticked boxes, an unticked box being absent. Every
 * box of either channel parses, so that a box of the other channel is refused by name.
 */
export const preferencesFormSchema = z.strictObject({
  ...Object.fromEntries(CHANNELS.flatMap((channel) => TOPICS.map((topic) => [topicField(channel, topic), z.optional(CHECKED)]))),
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

/**
 * A form post as a PreferenceUpdate: the boxes it names are ticked, and it states the whole page,
 * so an empty form (every box unticked) means "no topics".
 */
export function fromForm(fields: Record<string, string | undefined>): PreferenceUpdate {
  const topics: PreferenceUpdate['topics'] = {};
  for (const channel of CHANNELS) {
    for (const topic of TOPICS) if (fields[topicField(channel, topic)] === 'on') topics[`${channel}:${topic}`] = true;
  }
  const ticked = (name: string) => (fields[name] === 'on' ? { [name]: true } : {});
  return { topics, ...ticked(STOP_ALL_FIELD.email), ...ticked(STOP_ALL_FIELD.sms), complete: true };
}
