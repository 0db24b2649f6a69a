import { runtimeConfig } from '../../shared/config.js';
import { listRecipients } from '../../shared/domain/disclosures/list-recipients.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';

const config = runtimeConfig();

/**
 * `GET /admin/recipients` (SPEC §4): the recipients registry, each with its role, purpose, the data
 * it receives and, for a third party, the day from which it may receive any. It holds no personal
 * data, so it is not audited.
 */
export const handler = httpHandler(async () =>
  json(200, { recipients: listRecipients(undefined, config.NOTICE_PERIOD_DAYS) }, { 'Cache-Control': 'no-store' }),
);
