// The SDK's generated code is current (what graphql-codegen makes from schema.graphql and the
// operation documents is what is checked in), and a schema change that breaks an operation
// document fails generation instead of shipping a broken SDK.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { expect, it } from 'vitest';
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
