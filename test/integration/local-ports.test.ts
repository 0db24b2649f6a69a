import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAwsStandIns } from '../../local/aws-stand-ins.js';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { startSesLocal } from '../../local/ses-local.js';
import { LOCAL_STACK_ENV, freePort } from './global-setup.js';
import { apiUrl } from './local-stack.js';

/** This machine's addresses other than loopback: what another host on the network would connect to. */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((addresses) =>
    (addresses ?? []).filter((address) => !address.internal).map((address) => address.address),
  );
}

/** True when a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The ports in LISTEN state on any address other than 127.0.0.1, from the kernel's own table (Linux). */
async function portsListeningBeyondLoopback(): Promise<Set<number> | undefined> {
  const { readFile } = await import('node:fs/promises');
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue;
      const [address, port] = local.split(':');
      // 127.0.0.1 as IPv4, and as IPv4-mapped IPv6 (::ffff:127.0.0.1).
      const loopback = address === '0100007F' || address === '0000000000000000FFFF00000100007F';
      if (!loopback && port) ports.add(Number.parseInt(port, 16));
    }
  }
  return ports;
}

const portOf = (url: string) => Number(new URL(url).port);

describe('every local port binds to 127.0.0.1 (SPEC §5)', () => {
  let extra: {
    dynamoDb: Awaited<ReturnType<typeof startDynamoDbLocal>>;
    ses: Awaited<ReturnType<typeof startSesLocal>>;
    standIns: Awaited<ReturnType<typeof startAwsStandIns>>;
  };

  beforeAll(async () => {
    // The stack's own emulators, started on their own so that the test knows every port.
    const ses = await startSesLocal(await freePort());
    const [dynamoDbLocal, standIns] = await Promise.all([
      startDynamoDbLocal({ port: await freePort() }),
      startAwsStandIns(await freePort(), '{}', ses.endpoint, () => 'id'),
    ]);
    extra = { dynamoDb: dynamoDbLocal, ses, standIns };
  }, 60_000);

  afterAll(async () => {
    await Promise.all([extra.dynamoDb.stop(), extra.ses.stop(), extra.standIns.stop()]);
  });

  it('DynamoDB Local, the SES emulator, the AWS stand-ins and the gateway listen on loopback only', async () => {
    // Arrange
    const ports = {
      gateway: portOf(apiUrl()),
      stackDynamoDb: portOf(process.env[LOCAL_STACK_ENV.dynamoDbEndpoint] ?? ''),
      dynamoDb: portOf(extra.dynamoDb.endpoint),
      ses: portOf(extra.ses.endpoint),
      standIns: portOf(extra.standIns.endpoint),
    };
    // Act
    const onLoopback = await Promise.all(Object.values(ports).map((port) => accepts('127.0.0.1', port)));
    const elsewhere = await Promise.all(
      externalAddresses().flatMap((host) =>
        Object.values(ports).map(async (port) => ((await accepts(host, port)) ? `${host}:${port}` : undefined)),
      ),
    );
    const beyondLoopback = await portsListeningBeyondLoopback();
    // Assert
    expect(onLoopback).toEqual(Object.values(ports).map(() => true));
    expect(elsewhere.filter(Boolean)).toEqual([]);
    if (beyondLoopback) expect(Object.entries(ports).filter(([, port]) => beyondLoopback.has(port))).toEqual([]);
  }, 60_000);
});
