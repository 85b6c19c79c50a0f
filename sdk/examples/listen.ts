// A webhook receiver for trying Herald on your machine: it answers every POST and prints one line
// per request, with whether its signature verified against the endpoint's secret.
//
//   node sdk/examples/listen.ts --secret whsec_… --port 9000
//   HERALD_WEBHOOK_SECRET=whsec_… node sdk/examples/listen.ts
//   node sdk/examples/listen.ts --secret whpk_…   (a STANDARD_WEBHOOKS_ED25519 endpoint's public key)
//
// 2026-12-07T10:00:00.000Z conversation.created evt_0193… signature verified
// 2026-12-07T10:00:03.000Z conversation.created evt_0193… signature INVALID (MISMATCH: no signature matches the secret)
//
// Verified requests are answered 204, the others 401 with the reason (Herald records it as a failed
// attempt). Every request is printed, retries of one webhook-id included. It listens on 127.0.0.1
// only: run Herald with `npm run dev` so it may deliver there.
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createReceiver } from './receiver.ts';

const USAGE = 'usage: node sdk/examples/listen.ts --secret whsec_… [--port 9000] (or HERALD_WEBHOOK_SECRET, PORT)';
const SECRET = /^(?:whsec|whpk)_[A-Za-z0-9+/]+={0,2}$/;

export interface ListenOptions {
  secret: string;
  port: number;
  /** Where each line goes; stdout by default. */
  print?: (line: string) => void;
}

/** One request's line: time, event type, webhook-id, verdict. */
export function requestLine(at: Date, type: string, id: string, verdict: string): string {
  return `${at.toISOString()} ${type} ${id} ${verdict}`;
}

export async function listen(options: ListenOptions) {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const server = createReceiver({
    secret: options.secret,
    // Every delivery is a line, a retry of a webhook-id already seen too.
    rememberIds: 0,
    onEvent: (webhook) => print(requestLine(new Date(), webhook.type, webhook.id, 'signature verified')),
    onRejected: (error, request, body) =>
      print(requestLine(new Date(), claimedType(body), claimedId(request), `signature INVALID (${error.reason}: ${error.message})`)),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  print(`listening for webhooks on http://127.0.0.1:${port}/ (Ctrl-C stops)`);
  return { server, port };
}

/** What an unverified request says it is: shown, never trusted. */
function claimedId(request: IncomingMessage): string {
  const id = request.headers['webhook-id'];
  return typeof id === 'string' && id !== '' ? id : '-';
}

function claimedType(body: Buffer): string {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'type' in parsed && typeof parsed.type === 'string') return parsed.type;
  } catch {
    // not JSON: nothing to show
  }
  return '-';
}

function fail(message: string): never {
  process.stderr.write(`listen: ${message}\n${USAGE}\n`);
  process.exit(2);
}

if (import.meta.main) {
  let values: { secret?: string | undefined; port?: string | undefined };
  try {
    ({ values } = parseArgs({ options: { secret: { type: 'string' }, port: { type: 'string' } } }));
  } catch (error) {
    fail((error as Error).message);
  }
  const secret = values.secret ?? process.env['HERALD_WEBHOOK_SECRET'];
  if (!secret) fail('--secret is required: the endpoint\'s whsec_… secret (createEndpoint returns it, or takes yours)');
  if (!SECRET.test(secret)) fail('--secret must be whsec_ followed by base64, as createEndpoint returns it (or an Ed25519 endpoint\'s whpk_ public key)');
  const portText = values.port ?? process.env['PORT'] ?? '9000';
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) fail(`--port must be a TCP port number, got ${JSON.stringify(portText)}`);
  listen({ secret, port }).catch((error: NodeJS.ErrnoException) =>
    fail(error.code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port` : error.message),
  );
}
