import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { OutgoingEmail, ProviderReceipt } from '../../domain/messages.js';
import type { Mailer } from '../../ports/mailer.js';

/** The one SES v2 client of a process; locally `AWS_ENDPOINT_URL_SESV2` points it at aws-ses-v2-local. */
// Pure: a bundle whose code never sends email drops the client entirely.
export const sesClient = /* @__PURE__ */ new SESv2Client({});

/** Sends each email as SES v2 Simple content: text and HTML parts plus custom headers. */
export class SesMailer implements Mailer {
  constructor(
    private readonly fromAddress: string,
    private readonly configurationSet: string | undefined,
    private readonly client: SESv2Client = sesClient,
  ) {}

  async sendEmail(email: OutgoingEmail): Promise<ProviderReceipt> {
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: [email.to] },
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
}
