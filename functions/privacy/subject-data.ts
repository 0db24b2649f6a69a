import { DynamoDbAudienceIndex } from '../../shared/adapters/dynamodb/audience-index.js';
import { DynamoDbAuditLog } from '../../shared/adapters/dynamodb/audit-log.js';
import { DynamoDbContactRecords } from '../../shared/adapters/dynamodb/contact-records.js';
import { DynamoDbErasureStore } from '../../shared/adapters/dynamodb/erasure-store.js';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/suppression-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import type { RuntimeConfig } from '../../shared/config.js';
import { contactSubjectData } from '../../shared/domain/privacy/subject-data.js';
import { systemClock } from '../../shared/ports/clock.js';
import type { SubjectData } from '../../shared/ports/subject-data.js';

/** The export and erasure a verified privacy request runs, over the table. */
export function subjectDataOf(config: RuntimeConfig): SubjectData {
  const secrets = secretsSource(config);
  return contactSubjectData({
    exports: {
      records: new DynamoDbContactRecords(config.TABLE_NAME, secrets),
      auditTrail: new DynamoDbAuditLog(config.TABLE_NAME),
      clock: systemClock,
    },
    erasure: {
      erasures: new DynamoDbErasureStore(config.TABLE_NAME),
      suppressions: new DynamoDbSuppressionStore(config.TABLE_NAME),
      audiences: new DynamoDbAudienceIndex(config.TABLE_NAME),
      secrets,
      clock: systemClock,
    },
  });
}
