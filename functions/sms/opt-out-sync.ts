import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbConsentStore } from '../../shared/adapters/dynamodb/consent-store.js';
import { policyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { SnsOptOutList } from '../../shared/adapters/sns/opt-out-list.js';
import { runtimeConfig } from '../../shared/config.js';
import { syncOptedOutNumbers } from '../../shared/domain/sms/sync-opted-out.js';
import { scheduledHandler } from '../../shared/events/handler.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';
import { recipientDirectory } from '../../shared/wiring.js';

const config = runtimeConfig();
const deps = {
  optOutList: new SnsOptOutList(),
  addresses: new DynamoDbAddressBook(config.TABLE_NAME),
  directory: recipientDirectory(config),
  consent: new DynamoDbConsentStore(config.TABLE_NAME),
  secrets: secretsSource(config),
  clock: systemClock,
  policy: policyVersions(config),
};

/** The scheduled SNS opt-out sync (EventBridge in AWS, `POST /_local/jobs/sms-opt-out-sync` locally). */
export const handler = scheduledHandler(async () => {
  const result = await syncOptedOutNumbers(deps);
  logger.info('SMS opt-out list synced', result);
  return result;
});
