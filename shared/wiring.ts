import { DynamoDbAddressBook } from './adapters/dynamodb/address-book.js';
import { DynamoDbConsentStore } from './adapters/dynamodb/consent-store.js';
import { policyVersions } from './adapters/dynamodb/policy-versions.js';
import { DynamoDbRecipientDirectory } from './adapters/dynamodb/recipient-directory.js';
import type { PreferenceDeps } from './domain/preferences/preference-center.js';
import { DynamoDbSendLedger } from './adapters/dynamodb/send-ledger.js';
import { DynamoDbSendLimits } from './adapters/dynamodb/send-limits.js';
import { DynamoDbSubscriptionStore } from './adapters/dynamodb/subscription-store.js';
import type { Channel } from './domain/consent.js';
import type { SendFollowUpsDeps } from './domain/inquiries/send-follow-ups.js';
import type { SendSupportEffectsDeps } from './domain/support/send-support-effects.js';
import { SesMailer } from './adapters/ses/mailer.js';
import { SnsSmsSender } from './adapters/sns/sms-sender.js';
import { brandOf } from './config.js';
import type { RuntimeConfig } from './config.js';
import { createSendGate } from './domain/sending/send-gate.js';
import type { SendGate } from './domain/sending/send-gate.js';
import { systemClock } from './ports/clock.js';
import type { Mailer } from './ports/mailer.js';
import type { RecipientDirectory } from './ports/recipient-directory.js';
import type { SmsSender } from './ports/sms-sender.js';
import { secretsSource } from './adapters/secrets-extension/secrets-source.js';

/**
 * The composition root: the AWS adapters behind each port, built once per sandbox from config.
 * Functions import what they need from here; tests build the same use cases over in-memory ports.
 */

/** The recipient directory over the table. */
export function recipientDirectory(config: RuntimeConfig): RecipientDirectory {
  return new DynamoDbRecipientDirectory(config.TABLE_NAME, secretsSource(config));
}

/** Stands in for a provider a function does not use, so that its SDK client stays out of the bundle. */
const notThisFunction = (channel: string) => () => Promise.reject(new Error(`This function does not send ${channel}`));

function gateOver(config: RuntimeConfig, mailer: Mailer, smsSender: SmsSender): SendGate {
  return createSendGate({
    brand: brandOf(config),
    secrets: secretsSource(config),
    directory: recipientDirectory(config),
    ledger: new DynamoDbSendLedger(config.TABLE_NAME),
    mailer,
    smsSender,
    clock: systemClock,
    ...(config.NOTICE_PERIOD_DAYS ? { noticeDays: config.NOTICE_PERIOD_DAYS } : {}),
  });
}

/** The send gate of a function that only emails: SNS stays out of its bundle. */
export function emailGate(config: RuntimeConfig): SendGate {
  return gateOver(config, new SesMailer(config.SENDER_ADDRESS, config.SES_CONFIGURATION_SET), {
    sendSms: notThisFunction('SMS'),
  });
}

/** The send gate of a function that only texts: SES stays out of its bundle. */
export function smsGate(config: RuntimeConfig): SendGate {
  return gateOver(
    config,
    { sendEmail: notThisFunction('email'), sendBulk: notThisFunction('email') },
    new SnsSmsSender(config.SMS_ORIGINATION_NUMBER),
  );
}

/** What the outbox consumers need to send an inquiry's follow-ups on `channels`. */
export function followUpDeps(config: RuntimeConfig, channels: readonly Channel[], gate: SendGate): SendFollowUpsDeps {
  return {
    channels,
    gate,
    limits: new DynamoDbSendLimits(config.TABLE_NAME),
    subscriptions: new DynamoDbSubscriptionStore(config.TABLE_NAME),
    secrets: secretsSource(config),
    clock: systemClock,
    brand: brandOf(config),
    salesAddress: config.SALES_NOTIFICATION_ADDRESS,
    smsMessagesPerMonth: config.SMS_MESSAGES_PER_MONTH,
    smsCaps: { perIpPerHour: config.SMS_MAX_CONFIRMATIONS_PER_IP_PER_HOUR, dailyBudget: config.SMS_DAILY_BUDGET },
  };
}

/** What the outbox consumers need to send a support request's messages on `channels`. */
export function supportEffectsDeps(config: RuntimeConfig, channels: readonly Channel[], gate: SendGate): SendSupportEffectsDeps {
  return {
    channels,
    gate,
    limits: new DynamoDbSendLimits(config.TABLE_NAME),
    clock: systemClock,
    secrets: secretsSource(config),
    brand: brandOf(config),
    supportAddress: config.SUPPORT_NOTIFICATION_ADDRESS,
  };
}

/** What the preference center, unsubscribe and confirmation pages need. */
export function preferenceDeps(config: RuntimeConfig): PreferenceDeps {
  return {
    addresses: new DynamoDbAddressBook(config.TABLE_NAME),
    secrets: secretsSource(config),
    directory: recipientDirectory(config),
    consent: new DynamoDbConsentStore(config.TABLE_NAME),
    clock: systemClock,
    policy: policyVersions(config),
    brandName: config.BRAND_NAME,
  };
}

export { brandOf };
