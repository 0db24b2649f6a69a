import { DynamoDbAudienceIndex } from '../../shared/adapters/dynamodb/audience-index.js';
import { contactChangeOf } from '../../shared/adapters/dynamodb/stream-records.js';
import { runtimeConfig } from '../../shared/config.js';
import { audiencesOf } from '../../shared/domain/campaigns/audience.js';
import { streamHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';

const config = runtimeConfig();
const index = new DynamoDbAudienceIndex(config.TABLE_NAME);

/**
 * Keeps the campaign audience index in step with contacts, from the table's stream: each change of
 * address or consent adds or removes memberships; an erased contact leaves every audience.
 */
export const handler = streamHandler(
  async (record) => {
    const change = contactChangeOf(record);
    if (!change) return;
    const before = audiencesOf(change.before);
    const after = audiencesOf(change.after);
    const added = [...after].filter((key) => !before.has(key));
    const removed = [...before].filter((key) => !after.has(key));
    if (added.length === 0 && removed.length === 0) return;
    await index.update(change.contactId, added, removed);
    logger.info('Audience memberships changed', { contactId: change.contactId, added, removed });
  },
  { failureMessage: 'Audience record failed' },
);
