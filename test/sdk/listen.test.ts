// `node sdk/examples/listen.ts`, the receiver the README's tour runs, as a real child process fed
// by a real Herald: one line per request, saying whether its signature verified and why not.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../src/global-id.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { waitFor } from '../support/wait.ts';

const LISTEN = resolve(import.meta.dirname, '../../sdk/examples/listen.ts');
const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

let herald: TestHerald;
let key: string;
let receiver: ChildProcess;
let receiverUrl: string;
let output = '';
const secret = newSecret();

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: 'loopback', retryScheduleMs: [0] }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'user.created' } });
  key = (await herald.organization('listen-co')).key;
  receiver = spawn(process.execPath, [LISTEN, '--secret', secret, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  receiver.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  receiver.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const port = await waitFor(async () => output.match(/^listening for webhooks on http:\/\/127\.0\.0\.1:(\d+)\/ \(Ctrl-C stops\)\n/)?.[1], 'the receiver to listen');
  receiverUrl = `http://127.0.0.1:${port}/`;
});
afterAll(async () => {
  receiver?.kill('SIGKILL');
  await herald.close();
});

/** Lines printed after the listening line. */
const requestLines = () => output.split('\n').slice(1).filter(Boolean);

async function endpointWithSecret(endpointSecret: string) {
  const created = await herald.graphql(CREATE_ENDPOINT, { input: { url: receiverUrl, eventTypes: ['user.created'], secret: endpointSecret } }, key);
  expect(created.data?.createEndpoint.__typename).toBe('CreateEndpointPayload');
  return created.data!.createEndpoint.endpoint.id as string;
}

describe('node sdk/examples/listen.ts', () => {
  it('prints time, type, id and "signature verified" for a delivery signed with its secret, and answers 204', async () => {
    const endpointId = await endpointWithSecret(secret);
    const { eventId, deliveryIds } = await publishEvent(withKey(herald, key), { type: 'user.created', payload: { user: 'u_1' } });
    await waitFor(async () => requestLines().length === 1, 'the receiver\'s line');
    expect(requestLines()).toEqual([expect.stringMatching(new RegExp(`^${ISO} user\\.created ${eventId} signature verified$`))]);
    const attempt = await waitFor(() => herald.db.attempt.findFirst({ where: { delivery: { endpointId: idOfType(endpointId, 'Endpoint')! } } }), 'the attempt to be recorded');
    expect(attempt.responseStatus).toBe(204);
    expect(deliveryIds).toHaveLength(1);
    await herald.graphql(`mutation($id: ID!) { deleteEndpoint(input: { id: $id }) { __typename } }`, { id: endpointId }, key);
  });

  it('prints "signature INVALID (reason)" for a delivery signed with another secret, and Herald records the 401', async () => {
    const endpointId = await endpointWithSecret(newSecret());
    const { eventId } = await publishEvent(withKey(herald, key), { type: 'user.created', payload: { user: 'u_2' } });
    await waitFor(async () => requestLines().length === 2, 'the receiver\'s second line');
    expect(requestLines()[1]).toMatch(new RegExp(`^${ISO} user\\.created ${eventId} signature INVALID \\(MISMATCH: no signature matches the secret\\)$`));
    const attempt = await waitFor(() => herald.db.attempt.findFirst({ where: { delivery: { endpointId: idOfType(endpointId, 'Endpoint')! } } }), 'the attempt to be recorded');
    expect(attempt.responseStatus).toBe(401);
  });

  it('prints a line for an unsigned request too', async () => {
    const response = await fetch(receiverUrl, { method: 'POST', body: 'hello' });
    expect(response.status).toBe(401);
    await waitFor(async () => requestLines().length === 3, 'the receiver\'s third line');
    expect(requestLines()[2]).toMatch(new RegExp(`^${ISO} - - signature INVALID \\(MISSING_HEADER: the webhook-id header is missing\\)$`));
  });

  it('refuses to start without a well-formed secret, in one line and exit 2', async () => {
    for (const args of [[], ['--secret', 'hunter2']]) {
      const child = spawn(process.execPath, [LISTEN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      expect(code).toBe(2);
      expect(stderr).toMatch(/^listen: --secret .+\nusage: node sdk\/examples\/listen\.ts --secret whsec_… \[--port 9000\]/);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});
