// De-risks an undocumented schema: graphql-schema-linter's default rules (every type, field,
// argument, input field and enum value described, descriptions capitalized, names cased) find
// nothing in the schema printed from the code. GraphiQL's docs pane and the SDK's generated types
// show these descriptions to integrators.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { printHeraldSchema } from '../../src/graphql/schema.ts';

const linterCli = join(dirname(createRequire(import.meta.url).resolve('graphql-schema-linter/package.json')), 'lib/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'herald-schema-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lint(sdl: string): Promise<{ code: number; output: string }> {
  const file = join(dir, `schema-${Math.random().toString(36).slice(2)}.graphql`);
  writeFileSync(file, sdl);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [linterCli, '--format', 'compact', file]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

it('finds every type, field, argument, input field and enum value described', async () => {
  const { code, output } = await lint(printHeraldSchema());
  expect(output.trim(), 'describe what the linter names, where the type or field is defined').toBe('');
  expect(code).toBe(0);
}, 30_000);

it('reports what it is given to check (the linter runs, with its default rules)', async () => {
  const { code, output } = await lint('type Query {\n  "Something."\n  hello(name: String): String\n}\n');
  expect(code).toBe(1);
  expect(output).toMatch(/types-have-descriptions/);
  expect(output).toMatch(/arguments-have-descriptions/);
}, 30_000);
