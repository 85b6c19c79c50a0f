// `npm run dev` against `npm start`, as a developer runs them: real `npm` child processes on one
// database. Under dev an endpoint at http://127.0.0.1:<port>/ is accepted and delivered to, one
// warning line says so, and the LAN and metadata addresses stay refused; under `npm start` the
// same endpoint is refused and no warning is printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHerald } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const LOOPBACK_WARNING = /loopback delivery is on \(development only\)/g;

let database: TestDatabase;
let receiver: Receiver;
let env: Record<string, string>;
let key: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startReceiver((_req, res) => res.writeHead(204).end());
  // What a developer's shell has: no NODE_ENV, no HERALD_ALLOW_PRIVATE_NETWORKS.
  env = { DATABASE_URL: database.url, HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-dev-mode-')) };
  const cli = async (...args: string[]) => {
    const result = await runHerald(args, env);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trim();
  };
  await cli('org', 'create', 'dev-co');
  await cli('event-type', 'create', 'ping.sent');
  key = await cli('key', 'create', '--org', 'dev-co');
}, 60_000);
afterAll(async () => {
  for (const child of running) stopGroup(child, 'SIGKILL');
  await receiver.close();
  await database.drop();
});

interface NpmProcess {
  origin: string;
  stderr: () => string;
  /** SIGTERM to the group, as a terminal's Ctrl-C reaches both npm and Herald: Herald's output once all have exited. */
  stop(): Promise<string>;
}

/** `npm run <script>` in its own process group (as a terminal starts it), awaited until it listens. */
async function npmRun(script: string): Promise<NpmProcess> {
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  // 'close': npm and Herald (which shares npm's pipes) have both exited.
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  child.stdout!.on('data', (chunk: Buffer) => (stderr += chunk));
  const port = await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`npm run ${script} exited with ${child.exitCode}:\n${stderr}`);
    return stderr.match(/Herald is listening on http:\/\/localhost:(\d+)\/graphql/)?.[1];
  }, `npm run ${script} to listen`, 60_000);
  return {
    origin: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    stop: async () => {
      stopGroup(child, 'SIGTERM');
      await exited;
      running.delete(child);
      return stderr;
    },
  };
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function graphql(origin: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

const CREATE = `mutation($url: String!) { createEndpoint(input: { url: $url, eventTypes: ["ping.sent"] }) {
  __typename ... on CreateEndpointPayload { endpoint { id url } } ... on ValidationError { fields { path message } } } }`;
const PUBLISH = `mutation { publishEvent(input: { type: "ping.sent", payload: { n: 1 } }) {
  __typename ... on PublishEventPayload { event { id } deliveries { id } } } }`;
const DELIVERY = `query($id: ID!) { node(id: $id) { ... on Delivery { status attempts { responseStatus } } } }`;

describe('npm start', () => {
  it('refuses an endpoint on 127.0.0.1 and prints no loopback warning', async () => {
    const herald = await npmRun('start');
    try {
      const { createEndpoint } = await graphql(herald.origin, CREATE, { url: `${receiver.url}/hooks` });
      expect(createEndpoint.__typename).toBe('ValidationError');
      expect(createEndpoint.fields).toEqual([{ path: ['url'], message: expect.stringMatching(/^must start with https:\/\//) }]);
      const https = await graphql(herald.origin, CREATE, { url: 'https://127.0.0.1:9/hooks' });
      expect(https.createEndpoint.fields).toEqual([{ path: ['url'], message: 'must not point to a refused address: 127.0.0.1 is a loopback address' }]);
      expect(herald.stderr().match(LOOPBACK_WARNING)).toBeNull();
    } finally {
      expect(await herald.stop()).toMatch(/herald info: stopped\n/);
    }
  }, 90_000);
});

describe('npm run dev', () => {
  it('prints one warning line, accepts an endpoint on 127.0.0.1 and delivers to it', async () => {
    const herald = await npmRun('dev');
    try {
      expect(herald.stderr().match(LOOPBACK_WARNING)).toHaveLength(1);
      const { createEndpoint } = await graphql(herald.origin, CREATE, { url: `${receiver.url}/hooks` });
      expect(createEndpoint).toMatchObject({ __typename: 'CreateEndpointPayload', endpoint: { url: `${receiver.url}/hooks` } });

      const { publishEvent } = await graphql(herald.origin, PUBLISH);
      expect(publishEvent.__typename).toBe('PublishEventPayload');
      const delivery = await waitFor(async () => {
        const { node } = await graphql(herald.origin, DELIVERY, { id: publishEvent.deliveries[0].id });
        return node.status === 'SUCCEEDED' ? node : null;
      }, 'the delivery to 127.0.0.1 to succeed', 30_000);
      expect(delivery.attempts).toEqual([{ responseStatus: 204 }]);
      expect(receiver.requests.map((request) => request.headers['webhook-id'])).toEqual([publishEvent.event.id]);
    } finally {
      expect(await herald.stop()).toMatch(/herald info: stopped\n/);
    }
  }, 90_000);

  it('still refuses the LAN, metadata addresses and http:// beyond this machine', async () => {
    const herald = await npmRun('dev');
    try {
      const refusals: Record<string, string> = {
        'https://10.0.0.1/hooks': 'must not point to a refused address: 10.0.0.1 is a private network address',
        'https://192.168.1.20/hooks': 'must not point to a refused address: 192.168.1.20 is a private network address',
        'https://[fd00::1]/hooks': 'must not point to a refused address: fd00::1 is a unique local (private) IPv6 address',
        'https://169.254.169.254/latest/meta-data': 'must not point to a refused address: 169.254.169.254 is a cloud metadata address',
        'http://example.com/hooks': 'must start with https:// (plain http:// is accepted only for a receiver on the same machine as the webhook service, such as http://localhost:3000)',
      };
      for (const [url, message] of Object.entries(refusals)) {
        const { createEndpoint } = await graphql(herald.origin, CREATE, { url });
        expect(createEndpoint.fields, url).toEqual([{ path: ['url'], message }]);
      }
    } finally {
      expect(await herald.stop()).toMatch(/herald info: stopped\n/);
    }
  }, 90_000);
});
