// The SDK as an integrator gets it: `npm pack` builds it on its own, the tarball installs into a
// scratch project, and a consumer file type-checks in strict mode (with expected errors where the
// types must refuse something) and runs against the built JavaScript.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
import { createHeraldClient, HeraldAuthError, type DeliveryStatus, type EndpointFieldsFragment } from '@herald/sdk';
import { verifyWebhook, WebhookVerificationError } from '@herald/sdk/webhooks';

export async function manage(url: string, apiKey: string): Promise<string> {
  const herald = createHeraldClient({ url, apiKey });
  const result = await herald.createEndpoint({ url: 'https://example.com/hooks', eventTypes: ['invoice.*'] });
  // @ts-expect-error the secret exists only once narrowed to CreateEndpointPayload
  void result.secret;
  switch (result.__typename) {
    case 'CreateEndpointPayload': {
      const endpoint: EndpointFieldsFragment = result.endpoint;
      for await (const delivery of herald.deliveryUpdated({ filter: { endpointId: endpoint.id } })) {
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

export function typeMistakes(herald: ReturnType<typeof createHeraldClient>) {
  // @ts-expect-error eventTypes is required
  void herald.createEndpoint({ url: 'https://example.com' });
  // @ts-expect-error statuses are string literals of the schema's enum
  void herald.deliveries({ filter: { status: 'DONE' } });
}

export function isAuthError(error: unknown): boolean {
  return error instanceof HeraldAuthError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN');
}

export function receive(body: string, headers: Record<string, string>, secret: string) {
  try {
    return verifyWebhook<{ invoice: string }>(body, headers, secret, 'HMAC_SHA256_TIMESTAMPED').data.invoice;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}
`;

const RUNTIME_CHECK = `
import { createHmac, randomBytes } from 'node:crypto';
import { createHeraldClient } from '@herald/sdk';
import { verifyWebhook } from '@herald/sdk/webhooks';

const key = randomBytes(32);
const secret = 'whsec_' + key.toString('base64');
const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', timestamp: new Date().toISOString(), data: { invoice: 'in_1' } });
const t = Math.floor(Date.now() / 1000);
const signature = createHmac('sha256', key).update(t + '.' + body).digest('hex');
const webhook = verifyWebhook<{ invoice: string }>(body, { 'x-herald-signature': 't=' + t + ',v1=' + signature }, secret, 'HMAC_SHA256_TIMESTAMPED');
const client = createHeraldClient({ url: 'http://127.0.0.1:1/graphql', apiKey: 'k' });
console.log(JSON.stringify({ invoice: webhook.data.invoice, methods: typeof client.createEndpoint + ',' + typeof client.deliveryUpdated }));
`;

it('packs, installs into a scratch project, type-checks a consumer and runs', async () => {
  // npm pack runs the SDK's prepack script, which builds dist/ with tsc.
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
      types: ['node'], typeRoots: [join(root, 'node_modules/@types')], skipLibCheck: false, lib: ['es2023'],
    },
    files: ['consumer.ts', 'runtime-check.ts'],
  }));
  // Type errors fail this with tsc's output in the message; unused @ts-expect-error lines too.
  await run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: scratch });

  const { stdout } = await run(process.execPath, ['runtime-check.ts'], { cwd: scratch });
  expect(JSON.parse(stdout)).toEqual({ invoice: 'in_1', methods: 'function,function' });
}, 180_000);
