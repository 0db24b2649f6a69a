import type { Server } from 'node:http';
import * as sesLocalModule from 'aws-ses-v2-local';

type StartSesServer = (config: { host: string; port: number }) => Promise<Server>;
// A CommonJS package: under ESM its `exports.default` may arrive one level down.
const startSesServer = ((sesLocalModule.default as unknown as { default?: StartSesServer }).default ??
  sesLocalModule.default) as StartSesServer;

/** One email as `GET /_local/mail` shows it (aws-ses-v2-local's store format, headers included). */
export interface LocalEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers: { name: string; value: string }[];
  /** The Reply-To addresses, as the emulator stored them. */
  replyTo: string[];
  at: number;
}

/** A running aws-ses-v2-local: the SES v2 endpoint and its web inbox. */
export interface SesLocal {
  endpoint: string;
  emails(): Promise<LocalEmail[]>;
  stop(): Promise<void>;
}

/** Starts aws-ses-v2-local on 127.0.0.1:`port`. */
export async function startSesLocal(port: number): Promise<SesLocal> {
  const server: Server = await startSesServer({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      const store = (await response.json()) as {
        emails: (Omit<LocalEmail, 'headers' | 'replyTo'> & { headers?: LocalEmail['headers']; replyTo?: string[] })[];
      };
      return store.emails.map(({ messageId, from, destination, subject, body, headers, replyTo, at }) => ({
        messageId,
        from,
        destination,
        subject,
        body,
        headers: headers ?? [],
        replyTo: replyTo ?? [],
        at,
      }));
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
