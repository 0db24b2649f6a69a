import { policyVersions } from '../../shared/adapters/dynamodb/policy-versions.js';
import { ulid } from 'ulid';
import { DynamoDbAddressBook } from '../../shared/adapters/dynamodb/address-book.js';
import { DynamoDbInquiryStore } from '../../shared/adapters/dynamodb/inquiry-store.js';
import { runtimeConfig } from '../../shared/config.js';
import { ValidationError } from '../../shared/domain/errors.js';
import type { InquiryReceipt } from '../../shared/domain/inquiries/inquiry.js';
import { submitInquiry } from '../../shared/domain/inquiries/submit-inquiry.js';
import type { SubmitInquiryDeps } from '../../shared/domain/inquiries/submit-inquiry.js';
import { visitMetadata } from '../../shared/domain/visit.js';
import { httpHandler } from '../../shared/http/handler.js';
import { header, prefersHtml } from '../../shared/http/headers.js';
import { json, seeOther } from '../../shared/http/responses.js';
import type { HttpEvent, HttpResult } from '../../shared/http/types.js';
import { validate } from '../../shared/http/validate.js';
import { logger } from '../../shared/logger.js';
import { systemClock } from '../../shared/ports/clock.js';
import { secretsSource } from '../../shared/adapters/secrets-extension/secrets-source.js';
import { fromSubmittedFields, inquirySchema } from './schema.js';

const config = runtimeConfig();

const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

function idempotencyKeyOf(event: HttpEvent): string | undefined {
  const key = header(event, 'idempotency-key')?.trim();
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new ValidationError([{ path: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }]);
  }
  return key;
}

function isHoneypotFilled(fields: unknown): boolean {
  return (
    typeof fields === 'object' && fields !== null && 'website' in fields && Boolean((fields as { website: unknown }).website)
  );
}

function respond(event: HttpEvent, receipt: InquiryReceipt, thankYouUrl: string): HttpResult {
  if (event.bodyType === 'form' && prefersHtml(header(event, 'accept'))) return seeOther(thankYouUrl);
  return json(201, receipt);
}

/**
 * `POST /inquiries`: validate, capture, answer; follow-ups leave later from the outbox. Built over
 * its ports so that the bench can measure the middleware with storage stubbed.
 */
export function createSubmitInquiryHandler(deps: SubmitInquiryDeps, thankYouUrl: string) {
  return httpHandler(
    async (event) => {
      const fields = fromSubmittedFields(event.parsedBody, event.bodyType === 'form');
      const idempotencyKey = idempotencyKeyOf(event);
      if (isHoneypotFilled(fields)) {
        logger.info('Honeypot filled; inquiry discarded');
        return respond(event, { inquiryId: ulid() }, thankYouUrl);
      }
      const { website: _honeypot, ...input } = validate(inquirySchema, fields);
      const visit = visitMetadata({
        ip: event.requestContext.identity.sourceIp,
        userAgent: header(event, 'user-agent'),
        acceptLanguage: header(event, 'accept-language'),
      });
      const receipt = await submitInquiry(deps, input, visit, idempotencyKey);
      logger.info('Inquiry captured', {
        ...receipt,
        topic: input.topic,
        consentEmail: input.consent.email,
        consentSms: input.consent.sms,
      });
      return respond(event, receipt, thankYouUrl);
    },
    { body: ['json', 'form'] },
  );
}

export const handler = createSubmitInquiryHandler(
  {
    store: new DynamoDbInquiryStore(config.TABLE_NAME),
    addresses: new DynamoDbAddressBook(config.TABLE_NAME),
    secrets: secretsSource(config),
    clock: systemClock,
    newId: ulid,
    brandName: config.BRAND_NAME,
    policy: policyVersions(config),
    optIn: { email: config.OPT_IN_EMAIL, sms: config.OPT_IN_SMS },
  },
  config.THANK_YOU_URL,
);
