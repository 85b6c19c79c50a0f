// `node sdk/examples/listen.ts --secret whpk_…`: the README's receiver verifies an Ed25519
// endpoint's deliveries from its public key alone, as a real child process fed by a real Herald.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { CREATE_ENDPOINT } from '../support/operations.ts';
import { publishEvent, withKey } from '../support/publish.ts';
import { waitFor } from '../support/wait.ts';

const LISTEN = resolve(import.meta.dirname, '../../sdk/examples/listen.ts');

// A key pair made here, with node:crypto: Herald is given the private half, the listener the public.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const whsk = `whsk_${Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('base64')}`;
const whpk = `whpk_${Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64')}`;

let herald: TestHerald;
let receiver: ChildProcess;
let output = '';

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: 'loopback', retryScheduleMs: [0] }, { worker: true });
  await herald.db.eventType.create({ data: { name: 'user.created' } });
  receiver = spawn(process.execPath, [LISTEN, '--secret', whpk, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  receiver.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  receiver.stderr!.on('data', (chunk: Buffer) => (output += chunk));
});
afterAll(async () => {
  receiver?.kill('SIGKILL');
  await herald.close();
});

describe('node sdk/examples/listen.ts with a whpk_ key', () => {
  it('prints "signature verified" for a v1a delivery signed with the matching whsk_ key', async () => {
    const port = await waitFor(async () => output.match(/listening for webhooks on http:\/\/127\.0\.0\.1:(\d+)\//)?.[1], 'the receiver to listen');
    const key = (await herald.organization('listen-ed25519')).key;
    const input = { url: `http://127.0.0.1:${port}/`, eventTypes: ['user.created'], signatureScheme: 'STANDARD_WEBHOOKS_ED25519', secret: whsk };
    const created = await herald.graphql(CREATE_ENDPOINT.replace('secret endpoint {', 'secret endpoint { signingPublicKeys '), { input }, key);
    expect(created.data!.createEndpoint.endpoint.signingPublicKeys).toEqual([whpk]);
    const { eventId } = await publishEvent(withKey(herald, key), { type: 'user.created', payload: { user: 'u_1' } });
    await waitFor(async () => output.includes(eventId), 'the receiver\'s line');
    expect(output).toMatch(new RegExp(`user\\.created ${eventId} signature verified\\n`));
  });
});
