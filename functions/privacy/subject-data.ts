import { DynamoDbAudienceIndex } from '../../shared/adapters/dynamodb/audience-index.js';
import { DynamoDbAuditTrail } from '../../shared/adapters/dynamodb/audit-log.js';
import { DynamoDbContactRecords } from '../../shared/adapters/dynamodb/contact-records.js';
import { DynamoDbErasureStore } from '../../shared/adapters/dynamodb/erasure-store.js';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/suppression-store.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import type { RuntimeConfig } from '../../shared/config.js';
import { contactErasure, contactExport } from '../../shared/domain/privacy/subject-data.js';
import { systemClock } from '../../shared/ports/clock.js';
import type { SubjectErasure, SubjectExport } from '../../shared/ports/subject-data.js';

/** The access export a privacy request's link opens, over the table. */
export function subjectExportOf(config: RuntimeConfig): SubjectExport {
  return contactExport({
    records: new DynamoDbContactRecords(config.TABLE_NAME, secretsSource(config)),
    auditTrail: new DynamoDbAuditTrail(config.TABLE_NAME),
    clock: systemClock,
  });
}

/** The erasure a verified deletion request runs, over the table. */
export function subjectErasureOf(config: RuntimeConfig): SubjectErasure {
  return contactErasure({
    erasures: new DynamoDbErasureStore(config.TABLE_NAME),
    suppressions: new DynamoDbSuppressionStore(config.TABLE_NAME),
    audiences: new DynamoDbAudienceIndex(config.TABLE_NAME),
    secrets: secretsSource(config),
    clock: systemClock,
  });
}
