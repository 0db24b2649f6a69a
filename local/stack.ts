import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { functionEnvironment, loadDeploymentConfig } from '../infra/config.js';
import { assertRecipientsRegistered } from '../infra/recipients-wiring.js';
import {
  HTTP_ROUTES,
  LOCAL_PAGE_ROUTES,
  LOCAL_THANK_YOU_ROUTE,
  QUEUE_CONSUMERS,
  SCHEDULED_JOBS,
  STREAM_CONSUMERS,
  TOPIC_SUBSCRIBERS,
} from '../shared/routes.js';
import { LocalQueue } from './local-queue.js';
import { queueEventSource } from '../shared/event-sources.js';
import { OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS } from '../shared/domain/sms/keywords.js';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { inboundSmsMessage, scheduledEvent, sesEventMessage, snsEvent } from './events.js';
import { LocalFunctions } from './function-host.js';
import type { IncomingHttp } from './api-event.js';
import { startAwsStandIns } from './aws-stand-ins.js';
import { ensureTable, localDynamoDbClient, startDynamoDbLocal } from './dynamodb-local.js';
import { startGateway } from './gateway.js';
import type { LoadedRoute, LocalResponse } from './gateway.js';
import { startSesLocal } from './ses-local.js';
import { LocalStaffTokens } from './staff-tokens.js';
import { StreamRunner } from './stream-runner.js';
import type { StreamTarget } from './stream-runner.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const LOCAL_TABLE_NAME = 'forecourt';
export const LOCAL_SECRET_ID = 'forecourt/app';
/** The local work queues' names, as in their URLs. */
const localQueueName = (queue: string) => (queue === 'analytics' ? 'forecourt-analytics' : `forecourt-campaign-${queue}`);

export interface LocalStackOptions {
  /** Gateway port; `PORT` or 3000 by default. 0 picks a free one. */
  port?: number;
  /** Where data and local secrets live; omitted means all in memory (tests). */
  dataDir?: string;
  configPath?: string;
  /** Ports of the emulators; 0 picks free ones. */
  dynamoDbPort?: number;
  sesPort?: number;
  standInsPort?: number;
}

export interface LocalStack {
  urls: { api: string; sesInbox: string; dynamoDb: string; awsStandIns: string };
  streamRunner: StreamRunner;
  /** Each deployed function's own instances (SPEC §5). */
  functions: LocalFunctions;
  stop(): Promise<void>;
}

async function freePort(preferred: number | undefined): Promise<number> {
  if (preferred !== undefined && preferred !== 0) return preferred;
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Local secrets: generated once and kept under the data dir, or per run in memory. */
function localSecrets(dataDir: string | undefined): { appSecret: string; staffTokenKey: string } {
  const generate = () => ({
    appSecret: JSON.stringify({ seed: randomBytes(32).toString('base64url'), current: 'local-1' }),
    staffTokenKey: randomBytes(32).toString('base64url'),
  });
  if (!dataDir) return generate();
  const file = join(dataDir, 'local-secrets.json');
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(generate(), null, 2), { mode: 0o600 });
  return JSON.parse(readFileSync(file, 'utf8')) as { appSecret: string; staffTokenKey: string };
}

function parseJson(request: IncomingHttp): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(request.body.toString('utf8') || '{}');
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Builds every file a function ships beside its bundle (`shared/routes.ts` `files`) with the
 * build script the CDK's bundling hook runs (its `ensure`, in this process: no second tsx start
 * while the emulators start); resolves to their repository-relative paths.
 */
async function buildShippedFiles(): Promise<string[]> {
  const files = new Map(HTTP_ROUTES.flatMap((route) => route.files ?? []).map((file) => [file.path, file]));
  for (const file of files.values()) {
    const script = (await import(pathToFileURL(join(REPO_ROOT, file.build)).href)) as { ensure(path: string): Promise<unknown> };
    await script.ensure(join(REPO_ROOT, file.path));
  }
  return [...files.keys()];
}

/**
 * Starts the whole local stack (SPEC §5): DynamoDB Local, aws-ses-v2-local, the SNS and Secrets
 * Manager stand-ins, the stream runner and the gateway. The handlers are the real ones; only the
 * endpoints in their environment differ from AWS.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const config = loadDeploymentConfig(options.configPath);
  // As `cdk synth`: no stack is built that sends personal data to an unregistered recipient.
  assertRecipientsRegistered(config);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const secrets = localSecrets(options.dataDir);
  const [gatewayPort, dynamoDbPort, sesPort, standInsPort] = await Promise.all([
    freePort(options.port ?? 3000),
    freePort(options.dynamoDbPort ?? 0),
    freePort(options.sesPort ?? 0),
    freePort(options.standInsPort ?? 0),
  ]);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  try {
    // The functions' environment: the same as in AWS but for the endpoints, which are known from the ports.
    const dynamoDbEndpoint = `http://127.0.0.1:${dynamoDbPort}`;
    const standInsEndpoint = `http://127.0.0.1:${standInsPort}`;
    const apiUrl = `http://127.0.0.1:${gatewayPort}`;
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
      AWS_ENDPOINT_URL_SESV2: standInsEndpoint,
      AWS_ENDPOINT_URL_SNS: standInsEndpoint,
      AWS_ENDPOINT_URL_SQS: standInsEndpoint,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(standInsPort),
      AWS_SESSION_TOKEN: 'local',
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      ...functionEnvironment(
        {
          ...config,
          publicBaseUrl: apiUrl,
          // The local stack serves the thank-you page itself, on whatever port it runs.
          thankYouUrl: `${apiUrl}${LOCAL_THANK_YOU_ROUTE.path}`,
          allowedOrigins: [...config.allowedOrigins, apiUrl],
        },
        {
          tableName: LOCAL_TABLE_NAME,
          secretId: LOCAL_SECRET_ID,
          campaignQueueUrls: {
            plan: `${standInsEndpoint}/000000000000/${localQueueName('plan')}`,
            email: `${standInsEndpoint}/000000000000/${localQueueName('email')}`,
            sms: `${standInsEndpoint}/000000000000/${localQueueName('sms')}`,
          },
          analyticsQueueUrl: `${standInsEndpoint}/000000000000/${localQueueName('analytics')}`,
        },
      ),
    });

    // Each function runs in its own instance, as its own Lambda does: no module state is shared.
    // They are bundled and started while the emulators start.
    const bundleDir = mkdtempSync(join(tmpdir(), 'forecourt-functions-'));
    stops.push(async () => rmSync(bundleDir, { recursive: true, force: true }));
    const entries = [
      ...[
        ...HTTP_ROUTES,
        ...LOCAL_PAGE_ROUTES,
        ...STREAM_CONSUMERS,
        ...TOPIC_SUBSCRIBERS,
        ...SCHEDULED_JOBS,
        ...QUEUE_CONSUMERS,
      ].map((fn) => fn.entry),
    ];
    const starting = Promise.all([LocalFunctions.build(REPO_ROOT, [...new Set(entries)], bundleDir), buildShippedFiles()]).then(
      async ([built, files]) => {
        // Files shipped beside a bundle (the analytics network asset), as the CDK's bundling hook copies them.
        for (const file of files) copyFileSync(join(REPO_ROOT, file), join(bundleDir, basename(file)));
        await built.startAll();
        return built;
      },
    );
    // Handled where it is awaited; this only keeps a failure from being reported before that.
    starting.catch(() => undefined);
    stops.push(async () => (await starting).stop());

    if (options.dataDir) mkdirSync(join(options.dataDir, 'dynamodb'), { recursive: true });
    const [dynamoDb, ses] = await Promise.all([
      startDynamoDbLocal({ port: dynamoDbPort, ...(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {}) }),
      startSesLocal(sesPort),
    ]);
    stops.push(dynamoDb.stop, ses.stop);
    const queues = new Map<string, LocalQueue>();
    const standIns = await startAwsStandIns(standInsPort, secrets.appSecret, ses.endpoint, (queueName, body, delaySeconds) => {
      const queue = queues.get(queueName);
      if (!queue) throw new Error(`No local queue ${queueName}`);
      return queue.send(body, delaySeconds);
    });
    stops.push(standIns.stop);

    const dynamoDbClient = localDynamoDbClient(dynamoDb.endpoint);
    await ensureTable(dynamoDbClient, LOCAL_TABLE_NAME);
    const table = await dynamoDbClient.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }));
    dynamoDbClient.destroy();
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error('The local table has no stream');

    const functions = await starting;
    const targets: StreamTarget[] = STREAM_CONSUMERS.map((consumer) => ({
      name: consumer.name,
      filter: consumer.filter,
      handler: functions.handler<DynamoDBStreamEvent, DynamoDBBatchResponse | void>(consumer.entry),
    }));
    const streamsClient = new DynamoDBStreamsClient({
      endpoint: dynamoDb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const streamRunner = new StreamRunner(streamsClient, streamArn, targets, {
      ...(options.dataDir ? { checkpointDir: join(options.dataDir, 'stream-checkpoints') } : {}),
    });
    streamRunner.start();
    stops.push(async () => {
      await streamRunner.stop();
      streamsClient.destroy();
    });

    type AsyncHandler = (event: unknown) => Promise<unknown>;
    const subscribers = new Map<string, AsyncHandler>();
    for (const subscriber of TOPIC_SUBSCRIBERS) subscribers.set(subscriber.publisher, functions.handler(subscriber.entry));
    const jobs = new Map<string, AsyncHandler>();
    for (const job of SCHEDULED_JOBS) jobs.set(job.name, functions.handler(job.entry));
    const asyncFailures: { target: string; error: string }[] = [];
    /** Invokes as Lambda's asynchronous invocation does: the first try and two retries, then dead-lettered. */
    const invokeAsync = async (target: string, handler: AsyncHandler, event: unknown): Promise<unknown> => {
      let lastError: unknown;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
          return await handler(event);
        } catch (error) {
          lastError = error;
        }
      }
      asyncFailures.push({
        target,
        error: lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError),
      });
      return undefined;
    };

    for (const consumer of QUEUE_CONSUMERS) {
      const queue = new LocalQueue(
        localQueueName(consumer.queue),
        functions.handler<SQSEvent, SQSBatchResponse | void>(consumer.entry),
        {
          ...(options.dataDir ? { file: join(options.dataDir, 'queues', `${localQueueName(consumer.queue)}.json`) } : {}),
          eventSource: queueEventSource(consumer.queue),
        },
      );
      queues.set(localQueueName(consumer.queue), queue);
      queue.start();
      stops.push(async () => queue.stop());
    }
    /** Runs the stream and the queues until neither has anything left that is due now. */
    const drainAll = async () => {
      for (;;) {
        await streamRunner.drain();
        let ran = 0;
        for (const queue of queues.values()) ran += await queue.drain();
        if (ran === 0) return;
      }
    };

    const routes: LoadedRoute[] = HTTP_ROUTES.map((route) => ({
      ...route,
      handler: functions.handler<APIGatewayProxyEvent, APIGatewayProxyResult>(route.entry),
    }));
    // Local page routes: the website's thank-you page, which AWS does not serve.
    for (const route of LOCAL_PAGE_ROUTES)
      routes.push({ ...route, handler: functions.handler<APIGatewayProxyEvent, APIGatewayProxyResult>(route.entry) });
    const staffTokens = new LocalStaffTokens(secrets.staffTokenKey);

    const localRoutes = async (request: IncomingHttp): Promise<LocalResponse | undefined> => {
      const route = `${request.method} ${request.url.pathname.replace(/\/$/, '')}`;
      switch (route) {
        case 'GET /_local/health':
          return { status: 200, body: { ok: true } };
        case 'GET /_local/mail':
          return { status: 200, body: { emails: await ses.emails() } };
        case 'GET /_local/sms':
          return { status: 200, body: standIns.outbox };
        case 'POST /_local/faults': {
          const body = parseJson(request);
          const count = (value: unknown) => (Number.isInteger(value) && Number(value) > 0 ? Number(value) : 0);
          standIns.failNextSms(count(body.sms));
          standIns.failNextEmails(count(body.email));
          return { status: 200, body: { sms: count(body.sms), email: count(body.email) } };
        }
        case 'POST /_local/outbox/redeliver':
          await streamRunner.redeliver();
          return { status: 200, body: { deadLetters: streamRunner.deadLetters } };
        case 'POST /_local/tokens': {
          const body = parseJson(request);
          const groups = Array.isArray(body.groups) ? body.groups.map(String) : [];
          if (typeof body.sub !== 'string' || body.sub === '') {
            return {
              status: 400,
              body: {
                error: {
                  code: 'validation_failed',
                  message: 'sub is required',
                  details: [{ path: 'sub', message: 'is required' }],
                },
              },
            };
          }
          try {
            const token = await staffTokens.issue({
              sub: body.sub,
              groups,
              ...(typeof body.email === 'string' ? { email: body.email } : {}),
            });
            return { status: 200, body: { token } };
          } catch (error) {
            return {
              status: 400,
              body: { error: { code: 'validation_failed', message: error instanceof Error ? error.message : 'bad groups' } },
            };
          }
        }
        case 'POST /_local/outbox/drain':
          await drainAll();
          return { status: 200, body: { deadLetters: streamRunner.deadLetters } };
        case 'GET /_local/dead-letters':
          return {
            status: 200,
            body: {
              stream: streamRunner.deadLetters,
              async: asyncFailures,
              queue: [...queues.values()].flatMap((queue) => queue.deadLetters),
            },
          };
        case 'POST /_local/sms/inbound': {
          const body = parseJson(request);
          if (typeof body.from !== 'string' || typeof body.body !== 'string') {
            return { status: 400, body: { error: { code: 'validation_failed', message: 'from and body are required strings' } } };
          }
          // The SMS channel keeps its own opt-out list of numbers that sent an opt-out keyword.
          const keyword = body.body.trim().toUpperCase();
          if (OPT_OUT_KEYWORDS.includes(keyword)) standIns.optedOut.add(body.from);
          if (OPT_IN_KEYWORDS.includes(keyword)) standIns.optedOut.delete(body.from);
          const handler = subscribers.get('sms_inbound');
          const message = inboundSmsMessage(body.from, config.sms.originationNumber ?? '+18885550199', body.body);
          if (handler) await invokeAsync('sms-inbound', handler, snsEvent('forecourt-sms-inbound', message));
          return { status: 200, body: { inboundMessageId: message.inboundMessageId } };
        }
        case 'POST /_local/sms/opted-out': {
          const { phone } = parseJson(request);
          if (typeof phone !== 'string')
            return { status: 400, body: { error: { code: 'validation_failed', message: 'phone is required' } } };
          standIns.optedOut.add(phone);
          return { status: 200, body: { optedOut: [...standIns.optedOut] } };
        }
        case 'POST /_local/ses/events': {
          const body = parseJson(request);
          if ((body.type !== 'bounce' && body.type !== 'complaint') || typeof body.email !== 'string') {
            return {
              status: 400,
              body: { error: { code: 'validation_failed', message: 'type (bounce or complaint) and email are required' } },
            };
          }
          const handler = subscribers.get('ses_events');
          const bounceType = typeof body.bounceType === 'string' ? body.bounceType : 'Permanent';
          if (handler)
            await invokeAsync(
              'ses-events',
              handler,
              snsEvent('forecourt-ses-events', sesEventMessage(body.type, body.email, bounceType)),
            );
          return { status: 200, body: { delivered: true } };
        }
        default: {
          const job = /^POST \/_local\/jobs\/([a-z0-9-]+)$/.exec(route)?.[1];
          const handler = job ? jobs.get(job) : undefined;
          if (!job || !handler) return undefined;
          // `{"time": ISO}` plays the scheduler's tick at that time, so that a monthly run can be seen today.
          const time = parseJson(request).time;
          const tick = typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? new Date(time) : new Date();
          const result = await invokeAsync(job, handler, scheduledEvent(job, tick));
          // The job's queue and stream work finishes before the answer, as SPEC §5 asks.
          await drainAll();
          return { status: 200, body: { job, result: result ?? null } };
        }
      }
    };

    const gateway = await startGateway({ port: gatewayPort, routes, staffTokens, localRoutes });
    stops.push(gateway.stop);

    return {
      urls: { api: gateway.url, sesInbox: ses.endpoint, dynamoDb: dynamoDb.endpoint, awsStandIns: standIns.endpoint },
      streamRunner,
      functions,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
