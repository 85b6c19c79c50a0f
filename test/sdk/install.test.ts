// The SDK installs the way the first section of sdk/README.md says: its `npm install
// /path/to/herald/sdk` line, run in a scratch project against a fresh Herald checkout (the sdk/
// folder without dist/, beside the checkout's node_modules), then a script imports '@herald/sdk'.
// Offline: the install links a local folder and fetches nothing. (The `npm pack` path is
// test/sdk/package.test.ts.)
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'herald-sdk-install-'));
chmodSync(scratch, 0o755);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The shell lines of the README's first section (before its first `## ` heading). */
function firstSectionCommands(readme: string): string[] {
  const first = readme.split(/^## /m)[0]!;
  return [...first.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap(([, body]) => body!.split('\n').filter((line) => line.trim() !== ''));
}

const RUNTIME_CHECK = `
const sdk = await import('@herald/sdk');
const { verifyWebhook, WebhookVerificationError } = await import('@herald/sdk/webhooks');
const client = sdk.createHeraldClient({ url: 'http://127.0.0.1:1/graphql', apiKey: 'k', retries: 0 });
const failure = await client.viewer().catch((error) => (error instanceof sdk.HeraldError ? error.code : 'not a HeraldError'));
let reason = 'verified';
try { verifyWebhook('{}', {}, 'whsec_' + Buffer.alloc(32).toString('base64')); } catch (error) { reason = error instanceof WebhookVerificationError ? error.reason : String(error); }
console.log(JSON.stringify({ createHeraldClient: typeof sdk.createHeraldClient, failure, reason }));
`;

it('installs from a checkout\'s sdk/ folder exactly as sdk/README.md says, and imports', async () => {
  // A fresh checkout after `npm install`: the sources as committed (no dist/), Herald's node_modules.
  const checkout = join(scratch, 'herald');
  cpSync(join(ROOT, 'sdk'), join(checkout, 'sdk'), { recursive: true, filter: (path) => !['dist', 'node_modules'].includes(basename(path)) && !path.endsWith('.tgz') });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  expect(existsSync(join(checkout, 'sdk/dist'))).toBe(false);

  const commands = firstSectionCommands(readFileSync(join(ROOT, 'sdk/README.md'), 'utf8'));
  const install = commands.find((line) => line.startsWith('npm install '));
  expect(install, `sdk/README.md's first section has an npm install line: ${commands.join('\n')}`).toBeDefined();
  // What a reader substitutes: where their checkout is; and this test adds: never the network.
  const args = install!.replace(/\s+#.*$/, '').split(/\s+/).slice(1).map((word) => word.replace('/path/to/herald', checkout));

  const project = join(scratch, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  await execFileAsync('npm', [...args, '--offline', '--no-audit', '--no-fund'], { cwd: project, env }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`npm ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`);
  });

  writeFileSync(join(project, 'check.mjs'), RUNTIME_CHECK);
  const { stdout } = await execFileAsync(process.execPath, ['check.mjs'], { cwd: project, env });
  expect(JSON.parse(stdout)).toEqual({ createHeraldClient: 'function', failure: 'NETWORK', reason: 'MISSING_HEADER' });
  expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies).toHaveProperty('@herald/sdk');
}, 180_000);
