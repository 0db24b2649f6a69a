import { ulid } from 'ulid';
import { DynamoDbCampaignStore } from '../../shared/adapters/dynamodb/campaign-store.js';
import { brandOf, runtimeConfig } from '../../shared/config.js';
import { NotFoundError } from '../../shared/domain/errors.js';
import { campaignWithProgress, cancelCampaign, createCampaign } from '../../shared/domain/campaigns/manage-campaigns.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';
import type { StaffEvent } from '../../shared/http/staff-auth.js';
import { validate } from '../../shared/http/validate.js';
import { systemClock } from '../../shared/ports/clock.js';
import { campaignSchema } from './campaign-schema.js';

const config = runtimeConfig();
const deps = { campaigns: new DynamoDbCampaignStore(config.TABLE_NAME), clock: systemClock, brand: brandOf(config), newId: ulid };

/**
 * The campaign API for marketing and admin: `POST /admin/campaigns`, `GET /admin/campaigns/{id}`
 * (with each run's progress) and `POST /admin/campaigns/{id}/cancel`.
 */
export const handler = httpHandler(
  async (event) => {
    const { staff } = event as StaffEvent;
    const campaignId = event.pathParameters?.id;
    if (event.httpMethod === 'POST' && event.resource === '/admin/campaigns') {
      return json(201, await createCampaign(deps, staff, validate(campaignSchema, event.parsedBody)));
    }
    if (!campaignId) throw new NotFoundError();
    if (event.httpMethod === 'GET')
      return json(200, await campaignWithProgress(deps, campaignId), { 'Cache-Control': 'no-store' });
    return json(200, await cancelCampaign(deps, campaignId));
  },
  { body: ['json'] },
);
