// The SDK as an integrator gets it: `npm pack` builds it on its own, the tarball installs into a
// scratch project, and a consumer file type-checks in strict mode (with expected errors where the
// types must refuse something) and runs against the built JavaScript.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);

/** Runs a command; on failure the error message carries its stdout too (where tsc reports). */
async function run(command: string, args: string[], options: { cwd: string }) {
  try {
    return await execFileAsync(command, args, options);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}
const root = resolve(import.meta.dirname, '../..');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'herald-sdk-consumer-'));
}, 180_000);
afterAll(async () => {
  if (!process.env['KEEP_SCRATCH']) await rm(scratch, { recursive: true, force: true });
});

const CONSUMER = `
import {
  createHeraldClient,
  HeraldAuthError,
  HeraldError,
  type Delivery,
  type DeliveryStatus,
  type Endpoint,
  type Event,
  type EventType,
  type HeraldErrorCode,
  type JsonObject,
} from '@herald/sdk';
import { verifyWebhook, WebhookVerificationError } from '@herald/sdk/webhooks';
import { verifyWebhook as verifyOnTheEdge } from '@herald/sdk/webhooks/web';

export async function manage(url: string, apiKey: string): Promise<string> {
  const herald = createHeraldClient({ url, apiKey, timeoutMs: 5_000, retries: 3, onConnection: (event) => console.log(event.type) });
  const result = await herald.createEndpoint({ url: 'https://example.com/hooks', eventTypes: ['invoice.*'] });
  // @ts-expect-error the secret exists only once narrowed to CreateEndpointPayload
  void result.secret;
  switch (result.__typename) {
    case 'CreateEndpointPayload': {
      const endpoint: Endpoint = result.endpoint;
      for await (const delivery of herald.deliveryUpdated({ filter: { endpointId: endpoint.id } }, { signal: AbortSignal.timeout(60_000) })) {
        const status: DeliveryStatus | undefined = delivery?.status;
        if (status === 'SUCCEEDED') break;
      }
      return result.secret;
    }
    case 'ValidationError':
      return result.fields.map((field) => field.path.join('.') + ': ' + field.message).join('; ');
    default:
      return result.message;
  }
}

interface Invoice {
  invoice: string;
  amount: number;
  lines: Array<{ sku: string; quantity?: number }>;
}

export async function publishAndList(herald: ReturnType<typeof createHeraldClient>, invoice: Invoice): Promise<Delivery[]> {
  const published = await herald.publishEvent({ type: 'invoice.paid', payload: invoice }, { timeoutMs: 2_000 });
  if (published.__typename !== 'PublishEventPayload') return [];
  const event: Event = published.event;
  const payload: JsonObject | undefined = typeof event.payload === 'object' && event.payload !== null && !Array.isArray(event.payload) ? event.payload : undefined;
  void payload;
  const types: EventType[] = await herald.eventTypes();
  void types;
  const failed: Delivery[] = [];
  for await (const delivery of herald.paginate.deliveries({ filter: { status: 'FAILED', since: new Date(Date.now() - 86_400_000) } }, { pageSize: 100 })) {
    failed.push(delivery);
  }
  const page = await herald.events({ last: 10, before: 'cursor' });
  void page.pageInfo.hasPreviousPage;
  return failed;
}

export function typeMistakes(herald: ReturnType<typeof createHeraldClient>) {
  // @ts-expect-error eventTypes is required
  void herald.createEndpoint({ url: 'https://example.com' });
  // @ts-expect-error statuses are string literals of the schema's enum
  void herald.deliveries({ filter: { status: 'DONE' } });
  // @ts-expect-error a payload is a JSON object, not a number
  void herald.publishEvent({ type: 'invoice.paid', payload: 42 });
  // @ts-expect-error nor an array
  void herald.publishEvent({ type: 'invoice.paid', payload: [1, 2] });
  // @ts-expect-error and what JSON cannot carry does not compile
  void herald.publishEvent({ type: 'invoice.paid', payload: { at: new Date(), then: () => 1 } });
  // @ts-expect-error exactOptionalPropertyTypes: an absent option is left out, not undefined
  void herald.viewer({ timeoutMs: undefined });
}

export function describeFailure(error: unknown): HeraldErrorCode | 'unknown' {
  if (error instanceof HeraldAuthError) return error.code;
  if (error instanceof HeraldError) return error.code;
  return 'unknown';
}

export function receive(body: string, headers: Record<string, string>, secret: string) {
  try {
    return verifyWebhook<{ invoice: string }>(body, headers, secret, { scheme: 'HMAC_SHA256_TIMESTAMPED', toleranceSeconds: 60 }).data.invoice;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

export async function receiveOnTheEdge(request: Request, secret: string): Promise<Response> {
  try {
    const webhook = await verifyOnTheEdge(await request.text(), request.headers, secret);
    return new Response(webhook.id, { status: 200 });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return new Response(error.reason, { status: 401 });
    throw error;
  }
}
`;

const RUNTIME_CHECK = `
import { createHmac, randomBytes } from 'node:crypto';
import { createHeraldClient, HeraldError } from '@herald/sdk';
import { verifyWebhook } from '@herald/sdk/webhooks';
import { verifyWebhook as verifyOnTheEdge } from '@herald/sdk/webhooks/web';

const key = randomBytes(32);
const secret = 'whsec_' + key.toString('base64');
const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', timestamp: new Date().toISOString(), data: { invoice: 'in_1' } });
const t = Math.floor(Date.now() / 1000);
const signature = createHmac('sha256', key).update(t + '.' + body).digest('hex');
const headers = { 'x-herald-signature': 't=' + t + ',v1=' + signature };
const webhook = verifyWebhook<{ invoice: string }>(body, headers, secret, { scheme: 'HMAC_SHA256_TIMESTAMPED' });
const onTheEdge = await verifyOnTheEdge<{ invoice: string }>(body, new Headers(headers), secret, { scheme: 'HMAC_SHA256_TIMESTAMPED' });
const client = createHeraldClient({ url: 'http://127.0.0.1:1/graphql', apiKey: 'k', retries: 0 });
const failure = await client.viewer().catch((error: unknown) => (error instanceof HeraldError ? error.code : 'not a HeraldError'));
console.log(JSON.stringify({
  invoice: webhook.data.invoice,
  edge: onTheEdge.data.invoice,
  methods: typeof client.createEndpoint + ',' + typeof client.deliveryUpdated + ',' + typeof client.paginate.deliveries,
  failure,
}));
`;

it('packs, installs into a scratch project, type-checks a consumer and runs', async () => {
  // npm pack runs the SDK's prepare script, which builds dist/ with tsc.
  const { stdout: packed } = await run('npm', ['pack', '--pack-destination', scratch, '--silent'], { cwd: join(root, 'sdk') });
  const tarball = packed.trim().split('\n').at(-1)!;
  expect(tarball).toMatch(/^herald-sdk-.*\.tgz$/);

  await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund', '--silent'], { cwd: scratch });
  const installed = await readdir(join(scratch, 'node_modules/@herald/sdk'));
  expect(installed.sort()).toEqual(['README.md', 'dist', 'package.json', 'schema.graphql']);

  await writeFile(join(scratch, 'consumer.ts'), CONSUMER);
  await writeFile(join(scratch, 'runtime-check.ts'), RUNTIME_CHECK);
  await writeFile(join(scratch, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true,
      exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')], skipLibCheck: false, lib: ['es2023'],
    },
    files: ['consumer.ts', 'runtime-check.ts'],
  }));
  // Type errors fail this with tsc's output in the message; unused @ts-expect-error lines too.
  await run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: scratch });

  const { stdout } = await run(process.execPath, ['runtime-check.ts'], { cwd: scratch });
  expect(JSON.parse(stdout)).toEqual({ invoice: 'in_1', edge: 'in_1', methods: 'function,function,function', failure: 'NETWORK' });

  // The client and WebCrypto entries, with everything they import, run without node: modules.
  const dist = join(scratch, 'node_modules/@herald/sdk/dist');
  for (const entry of ['index.js', 'webhooks-web.js']) {
    const files = await localImports(dist, entry);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      expect(await readFile(join(dist, file), 'utf8'), `${file} (imported by ${entry})`).not.toMatch(/from ['"]node:|\bBuffer\b|require\(/);
    }
  }
}, 180_000);

/** A built entry and every file it imports relatively, transitively. */
async function localImports(dist: string, entry: string): Promise<string[]> {
  const seen = new Set<string>([entry]);
  for (const file of seen) {
    const text = await readFile(join(dist, file), 'utf8');
    for (const [, specifier] of text.matchAll(/from ['"](\.{1,2}\/[^'"]+)['"]/g)) seen.add(normalize(join(dirname(file), specifier!)));
  }
  return [...seen];
}
