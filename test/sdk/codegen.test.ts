// The SDK's generated code is current (what graphql-codegen makes from schema.graphql and the
// operation documents is what is checked in), a schema change that breaks an operation document
// fails generation instead of shipping a broken SDK, and `npm run codegen:check` says why it fails
// (stale file, invalid selection) with a non-zero exit.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../codegen.ts';

const root = resolve(import.meta.dirname, '../..');

it('the checked-in SDK files are what codegen generates (run `npm run codegen` if not)', async () => {
  // generate()'s declared return type includes watch mode's `any`; without watch it is the outputs.
  const outputs: Types.FileOutput[] = await generate({ ...config, cwd: root, silent: true }, false);
  expect(outputs.map((output) => output.filename).sort()).toEqual(Object.keys(config.generates).sort());
  for (const output of outputs) {
    const onDisk = await readFile(resolve(root, output.filename), 'utf8');
    expect(onDisk, `${output.filename} is stale`).toBe(output.content);
  }
}, 60_000);

it('fails when schema.graphql no longer has a field an SDK operation selects', async () => {
  const schema = await readFile(resolve(root, 'schema.graphql'), 'utf8');
  const broken = schema.replace(/type CreateEndpointPayload \{[^}]*\}/, 'type CreateEndpointPayload {\n  endpoint: Endpoint!\n}');
  expect(broken).not.toBe(schema);
  const failure = await generate({ ...config, schema: broken, cwd: root, silent: true }, false).then(
    () => null,
    (error: unknown) => error,
  );
  expect(String(failure)).toMatch(/Cannot query field "secret" on type "CreateEndpointPayload"/);
}, 60_000);

describe('npm run codegen:check, on a copy of the inputs', () => {
  const run = promisify(execFile);
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'herald-codegen-check-'));
    for (const path of ['package.json', 'codegen.ts', 'schema.graphql', 'sdk/schema.graphql', 'sdk/codegen', 'sdk/src/operations', 'sdk/src/generated']) {
      await cp(resolve(root, path), join(scratch, path), { recursive: true });
    }
    await symlink(resolve(root, 'node_modules'), join(scratch, 'node_modules'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function check(): Promise<{ code: number; output: string }> {
    // graphql-codegen is silent under NODE_ENV=test, which vitest sets; a developer's shell has no such setting.
    const { NODE_ENV: _test, ...env } = process.env;
    return run('npm', ['run', 'codegen:check'], { cwd: scratch, env }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );
  }

  it('passes when current, and names the invalid selection when a document breaks', async () => {
    expect((await check()).code).toBe(0);
    const fragments = join(scratch, 'sdk/src/operations/fragments.graphql');
    const original = await readFile(fragments, 'utf8');
    await writeFile(fragments, original.replace('  hasNextPage\n', '  hasNextPage\n  hasMorePages\n'));
    const broken = await check();
    await writeFile(fragments, original);
    expect(broken.code).not.toBe(0);
    expect(broken.output, broken.output).toMatch(/Cannot query field "hasMorePages" on type "PageInfo"/);
  }, 120_000);

  it('names the stale file and exits non-zero', async () => {
    const methods = join(scratch, 'sdk/src/generated/methods.ts');
    await writeFile(methods, `${await readFile(methods, 'utf8')}// edited by hand\n`);
    const stale = await check();
    expect(stale.code).not.toBe(0);
    expect(stale.output).toMatch(/stale files[\s\S]*sdk\/src\/generated\/methods\.ts/);
  }, 120_000);
});
