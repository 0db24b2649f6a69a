/**
 * Announces a new third party before it receives anything (SPEC §4 "Advance notice"):
 *
 *   npx tsx scripts/announce-third-party.ts --id crm_partner [--notice-days 30]
 *
 * Add the recipient to `shared/recipients.ts` with `role: 'third_party'` and no `noticeSentAt`
 * first (`assertMayDisclose` refuses every send to it meanwhile), then run this with the admin
 * functions' environment (TABLE_NAME, BRAND_NAME, POSTAL_ADDRESS, PUBLIC_BASE_URL…) and credentials
 * that may write the table. It schedules the `service_notice` campaign to every reachable contact
 * and prints the `noticeSentAt` to record on the registry entry; from that plus the notice period
 * the guard lets data go to it.
 */
import { ulid } from 'ulid';
import { parseArgs } from 'node:util';
import { DynamoDbCampaignStore } from '../shared/adapters/dynamodb/campaign-store.js';
import { brandOf, runtimeConfig } from '../shared/config.js';
import { DEFAULT_NOTICE_DAYS, announceThirdParty } from '../shared/domain/disclosures/advance-notice.js';
import { systemClock } from '../shared/ports/clock.js';
import { registeredRecipient } from '../shared/recipients.js';

const { values } = parseArgs({ options: { id: { type: 'string' }, 'notice-days': { type: 'string' } } });
if (!values.id) throw new Error('Usage: npx tsx scripts/announce-third-party.ts --id <recipient id> [--notice-days 30]');
const config = runtimeConfig();
const noticeDays = values['notice-days'] ? Number(values['notice-days']) : (config.NOTICE_PERIOD_DAYS ?? DEFAULT_NOTICE_DAYS);
const announced = await announceThirdParty(
  {
    campaigns: new DynamoDbCampaignStore(config.TABLE_NAME),
    clock: systemClock,
    brand: brandOf(config),
    newId: ulid,
    noticeDays,
  },
  { sub: 'script:announce-third-party', roles: ['admin'] },
  registeredRecipient(values.id),
);
console.log(
  `Notice campaign ${announced.notice.campaignId} scheduled. Record noticeSentAt: '${announced.noticeSentAt}' on "${values.id}"; ` +
    `it may receive data from ${announced.usableFrom}.`,
);
