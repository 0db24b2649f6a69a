import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { DEALERSHIP_TYPES, smsReachability, toE164 } from '../../shared/domain/contact.js';
import { INQUIRY_TOPICS } from '../../shared/domain/inquiries/inquiry.js';
import type { InquiryInput } from '../../shared/domain/inquiries/inquiry.js';
import { submitInquiry } from '../../shared/domain/inquiries/submit-inquiry.js';
import type { SubmitInquiryDeps } from '../../shared/domain/inquiries/submit-inquiry.js';
import { isKnownTimeZone } from '../../shared/domain/quiet-hours.js';
import { MESSAGE_TEXT, NAME_TEXT, ONE_LINE_TEXT, textProblem } from '../../shared/domain/text.js';
import type { TextRules } from '../../shared/domain/text.js';
import { visitMetadata } from '../../shared/domain/visit.js';

/**
 * The SPEC §7 warm-overhead reference: `POST /inquiries` written the common way, off-the-shelf
 * middleware for the same jobs (Powertools' `injectLambdaContext` for the log context, middy's
 * security headers with their defaults, JSON body parser and error handler; zod's classic API),
 * doing the same work as `functions/inquiries/submit.ts`: the same field rules (with the same
 * domain helpers for phones, text and time zones), the same visit metadata, the same use case
 * over the same stubbed ports, the same log line. The difference between the two is then the
 * middleware, parsing and validation around that work. (CORS is left out: `@middy/http-cors` is
 * not a dependency.) Only the bench runs it.
 */
const text = (rules: TextRules) => (value: string, context: z.RefinementCtx) => {
  const problem = textProblem(value, rules);
  if (problem) context.addIssue({ code: 'custom', message: problem });
};

const logger = new Logger({ serviceName: 'reference' });

/** The same rules as `functions/inquiries/schema.ts`, in zod's classic API. */
export function schemaFor(smsAllowedCountries: readonly string[]) {
  return z
    .object({
      name: z.string().trim().min(1).max(120).superRefine(text(NAME_TEXT)),
      email: z.string().trim().email().max(254).optional(),
      phone: z
        .string()
        .trim()
        .transform((value, context) => {
          const e164 = toE164(value);
          if (!e164) context.addIssue({ code: 'custom', message: 'must be a valid North American (+1) phone number' });
          return e164 ?? '';
        })
        .optional(),
      companyName: z.string().trim().max(160).superRefine(text(NAME_TEXT)).optional(),
      dealershipType: z.enum(DEALERSHIP_TYPES).optional(),
      topic: z.enum(INQUIRY_TOPICS).default('general'),
      message: z.string().trim().max(5000).superRefine(text(MESSAGE_TEXT)).optional(),
      consent: z.object({ email: z.boolean().default(false), sms: z.boolean().default(false) }).strict().default({
        email: false,
        sms: false,
      }),
      timezone: z.string().trim().refine(isKnownTimeZone).optional(),
      pageUrl: z.string().trim().url().max(2048).superRefine(text(ONE_LINE_TEXT)).optional(),
      website: z.string().optional(),
    })
    .strict()
    .refine((inquiry) => inquiry.email !== undefined || inquiry.phone !== undefined)
    .superRefine((inquiry, context) => {
      if (inquiry.consent.sms && inquiry.phone && !smsReachability(inquiry.phone, smsAllowedCountries).reachable)
        context.addIssue({ code: 'custom', path: ['phone'], message: 'must be a number this deployment may text' });
    });
}

/** The reference handler over the same ports as the real one. */
export function createCommonWaySubmit(deps: SubmitInquiryDeps, smsAllowedCountries: readonly string[] = ['US']) {
  const schema = schemaFor(smsAllowedCountries);
  return middy<APIGatewayProxyEvent & { body: unknown }>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpSecurityHeaders())
    .use(httpJsonBodyParser())
    .use(httpErrorHandler())
    .handler(async (event) => {
      const { website: _honeypot, ...input } = schema.parse(event.body);
      const visit = visitMetadata({
        ip: event.requestContext.identity.sourceIp,
        userAgent: event.headers['user-agent'],
        acceptLanguage: event.headers['accept-language'],
      });
      const receipt = await submitInquiry(deps, input as InquiryInput, visit, event.headers['idempotency-key']);
      logger.info('Inquiry captured', { ...receipt, topic: input.topic });
      return { statusCode: 201, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(receipt) };
    });
}
