import { ulid } from 'ulid';
import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbSubscriptionStore } from '../../shared/adapters/dynamodb/subscription-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { runtimeConfig } from '../../shared/config.js';
import { requestSubscription } from '../../shared/domain/subscriptions/request-subscription.js';
import { httpHandler } from '../../shared/http/handler.js';
import { json } from '../../shared/http/responses.js';
import { validate } from '../../shared/http/validate.js';
import { systemClock } from '../../shared/ports/clock.js';
import { recipientDirectory } from '../../shared/wiring.js';
import { fromSubmittedFields, subscriptionSchema } from './schema.js';

const config = runtimeConfig();
const deps = {
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  subscriptions: new DynamoDbSubscriptionStore(config.TABLE_NAME),
  directory: recipientDirectory(config),
  secrets: secretsSource(config),
  clock: systemClock,
  newId: ulid,
};

/**
 * `POST /subscriptions`: a newsletter sign-up with double opt-in. Always `202 pending_confirmation`,
 * whatever the address's state, so that no one can learn who is subscribed.
 */
export const handler = httpHandler(
  async (event) => {
    const request = validate(subscriptionSchema, fromSubmittedFields(event.parsedBody, event.bodyType === 'form'));
    await requestSubscription(deps, {
      email: request.email,
      topics: request.topics,
      ...(request.name ? { name: request.name } : {}),
      ...(event.requestContext.identity.sourceIp ? { clientIp: event.requestContext.identity.sourceIp } : {}),
    });
    return json(202, { status: 'pending_confirmation' });
  },
  { body: ['json', 'form'] },
);
