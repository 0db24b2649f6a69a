import { SESv2Client, SendBulkEmailCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { OutgoingEmail, ProviderReceipt } from '../../domain/messages.js';
import { SEND_TAG_NAME } from '../../domain/sending/send-tag.js';
import type { BulkEntry, EmailOptions, Mailer } from '../../ports/mailer.js';

/** The message tag that names the send record, so that the configuration set's `Send` event carries it back. */
const sendTags = (sendTag: string | undefined) => (sendTag ? [{ Name: SEND_TAG_NAME, Value: sendTag }] : undefined);

/** The one SES v2 client of a process; locally `AWS_ENDPOINT_URL_SESV2` points it at aws-ses-v2-local. */
// Pure: a bundle whose code never sends email drops the client entirely.
export const sesClient = /* @__PURE__ */ new SESv2Client({});

/** Sends each email as SES v2 Simple content: text and HTML parts plus custom headers, tagged with its send key. */
export class SesMailer implements Mailer {
  constructor(
    private readonly fromAddress: string,
    private readonly configurationSet: string | undefined,
    private readonly client: SESv2Client = sesClient,
  ) {}

  async sendEmail(email: OutgoingEmail, options: EmailOptions = {}): Promise<ProviderReceipt> {
    const tags = sendTags(options.sendTag);
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: [email.to] },
        ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
        ...(tags ? { EmailTags: tags } : {}),
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            ...(email.headers.length > 0
              ? { Headers: email.headers.map(({ name, value }) => ({ Name: name, Value: value })) }
              : {}),
          },
        },
      }),
    );
    if (!result.MessageId) throw new Error('SES accepted the email without a MessageId');
    return { providerMessageId: result.MessageId };
  }

  async sendBulk(
    template: { subject: string; text: string; html: string },
    entries: readonly BulkEntry[],
  ): Promise<(ProviderReceipt | { error: string })[]> {
    const result = await this.client.send(
      new SendBulkEmailCommand({
        FromEmailAddress: this.fromAddress,
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
        DefaultContent: {
          Template: {
            TemplateContent: { Subject: template.subject, Text: template.text, Html: template.html },
            TemplateData: '{}',
          },
        },
        BulkEmailEntries: entries.map((entry) => ({
          Destination: { ToAddresses: [entry.to] },
          ...(entry.sendTag ? { ReplacementTags: sendTags(entry.sendTag) } : {}),
          ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(entry.data) } },
          ReplacementHeaders: entry.headers.map(({ name, value }) => ({ Name: name, Value: value })),
        })),
      }),
    );
    const statuses = result.BulkEmailEntryResults ?? [];
    return entries.map((_, index) => {
      const status = statuses[index];
      return status?.Status === 'SUCCESS' && status.MessageId
        ? { providerMessageId: status.MessageId }
        : { error: status?.Status ?? 'MissingResult' };
    });
  }
}
