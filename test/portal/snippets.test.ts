// De-risks the portal's "Verify the signature" code: each program the portal shows (built by the
// same function the page renders, portal/src/endpoints/verify-snippets.ts) is saved in an empty
// directory, run with node (or python3) as a stranger would run it, and sent a real signed delivery
// a real receiver captured from a real worker — once as delivered (accepted: 204, "verified") and
// once with one byte of the body changed (rejected: 401, "rejected"), for every signature scheme.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySnippet, type SnippetLanguage } from '../../portal/src/endpoints/verify-snippets.ts';
import { freePort } from '../support/free-port.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const SCHEMES = ['STANDARD_WEBHOOKS', 'STANDARD_WEBHOOKS_ED25519', 'HMAC_SHA256_TIMESTAMPED', 'HMAC_SHA256_BODY'] as const;
type Scheme = (typeof SCHEMES)[number];
const root = resolve(import.meta.dirname, '../..');
const hasPython = spawnSync('python3', ['--version']).status === 0;
const hasPythonStandardWebhooks = hasPython && spawnSync('python3', ['-c', 'import standardwebhooks']).status === 0;
const hasPythonCryptography = hasPython && spawnSync('python3', ['-c', 'import cryptography']).status === 0;

let herald: TestHerald;
let receiver: Receiver;
const captured = new Map<Scheme, { request: ReceivedRequest; secret: string }>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  herald = await startTestHerald({ allowPrivateNetworks: true }, { worker: true });
  receiver = await startReceiver();
  const { key } = await herald.organization('snippets');
  for (const scheme of SCHEMES) {
    const created = await herald.graphql(
      `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename ... on CreateEndpointPayload { endpoint { id signingPublicKeys } secret } } }`,
      { input: { url: `${receiver.url}/${scheme}`, eventTypes: ['*'], signatureScheme: scheme } },
      key,
    );
    const { endpoint, secret: signingSecret } = created.data!['createEndpoint'];
    // What the receiver is given: the secret, or for Ed25519 the public key alone.
    const secret = scheme === 'STANDARD_WEBHOOKS_ED25519' ? endpoint.signingPublicKeys[0] : signingSecret;
    const tested = await herald.graphql(
      `mutation($input: TestEndpointInput!) { testEndpoint(input: $input) { __typename } }`,
      { input: { id: endpoint.id } },
      key,
    );
    expect(tested.data!['testEndpoint'].__typename).toBe('TestEndpointPayload');
    const request = await waitFor(async () => receiver.requests.find((r) => r.url === `/${scheme}`), `the ${scheme} delivery`);
    captured.set(scheme, { request, secret });
  }
});

afterAll(async () => {
  for (const child of children) child.kill();
  await receiver?.close();
  await herald?.close();
});

/** The snippet saved alone in a fresh directory, with only the package it says to install. */
function saveSnippet(language: SnippetLanguage, scheme: Scheme): { dir: string; file: string; install: string | null } {
  const snippet = verifySnippet(language, scheme, herald.config.signatureHeader);
  const dir = mkdtempSync(join(tmpdir(), `snippet-${language}-${scheme}-`));
  if (snippet.install === 'npm install standardwebhooks') {
    // What `npm install standardwebhooks` would put there (no registry here): the package itself.
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(realpathSync(join(root, 'node_modules/standardwebhooks')), join(dir, 'node_modules/standardwebhooks'));
  }
  writeFileSync(join(dir, snippet.fileName), snippet.code);
  return { dir, file: snippet.fileName, install: snippet.install };
}

async function runSnippet(language: SnippetLanguage, scheme: Scheme, secret: string): Promise<{ url: string; output: () => string }> {
  const { dir, file } = saveSnippet(language, scheme);
  const port = await freePort();
  const child = spawn(language === 'node' ? process.execPath : 'python3', [file], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', [verifySnippet(language, scheme, herald.config.signatureHeader).keyVariable]: secret, PORT: String(port) },
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}/`;
  // A TCP connect, not a request: a request would be one more webhook for the snippet to judge.
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`the snippet exited: ${output}`);
    return new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1', () => done(socket.destroy() !== null));
      socket.on('error', () => done(false));
    });
  }, `the ${language} snippet listening`);
  return { url, output: () => output };
}

/** Sends the captured request again: its headers and body, or the body with one character changed. */
async function resend(url: string, request: ReceivedRequest, tamper: boolean): Promise<number> {
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)),
  ) as Record<string, string>;
  const body = tamper ? request.body.replace('"type":"webhook.test"', '"type":"webhook.tesT"') : request.body;
  expect(body === request.body).toBe(!tamper);
  const response = await fetch(url, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

const cases: Array<{ language: SnippetLanguage; scheme: Scheme; runs: boolean }> = [
  ...SCHEMES.map((scheme) => ({ language: 'node' as const, scheme, runs: true })),
  ...SCHEMES.map((scheme) => ({
    language: 'python' as const,
    scheme,
    runs: scheme === 'STANDARD_WEBHOOKS' ? hasPythonStandardWebhooks : scheme === 'STANDARD_WEBHOOKS_ED25519' ? hasPythonCryptography : hasPython,
  })),
];

describe('the verification snippets the portal shows', () => {
  // Skipped where python3 or its standardwebhooks package is not installed (docs/portal.md says which ran).
  for (const { language, scheme, runs } of cases) it.skipIf(!runs)(`${language}, ${scheme}: accepts the delivery as sent and rejects a tampered body`, async () => {
    const { request, secret } = captured.get(scheme)!;
    const snippet = await runSnippet(language, scheme, secret);
    expect(await resend(snippet.url, request, false)).toBe(204);
    await waitFor(async () => snippet.output().includes('verified'), 'the snippet saying verified');
    expect(await resend(snippet.url, request, true)).toBe(401);
    await waitFor(async () => snippet.output().includes('rejected'), 'the snippet saying rejected');
  });

  it('needs nothing that no public registry serves, and names no Herald setting', () => {
    for (const { language, scheme } of cases) {
      const snippet = verifySnippet(language, scheme, herald.config.signatureHeader);
      const imports = [...snippet.code.matchAll(/from '([^']+)'|^import ([\w.]+)|^from ([\w.]+) import/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
      for (const name of imports) expect(name, `${language} ${scheme}`).toMatch(/^(node:|standardwebhooks|cryptography\.|base64|hashlib|hmac|json|os|time|http\.server)/);
      expect(snippet.code).not.toMatch(/@herald|HERALD_|Herald/);
    }
  });
});
