// The README's quick tour, run as written: its ```sh blocks, in order, line by line, in a fresh
// folder's worth of state (an embedded PostgreSQL under a new HERALD_DATA_DIR, no DATABASE_URL).
// A `# terminal 1` line is started as its own process, as a second terminal would hold it; every
// other line goes to one bash session, so its shell variables ($KEY, $SECRET, gql) carry on as they
// do for a reader. The only edits are the ports (4000, 9000) where a reader whose ports are taken
// would make them. Passes when the receiver prints its "signature verified" line.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const STEP_TIMEOUT_MS = 90_000;
const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

/** The ```sh blocks of the README's "Quick tour" section, in order, as lists of lines. */
export function tourBlocks(readme: string): string[][] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Quick tour\n'));
  if (!section) throw new Error('README.md has no "## Quick tour" section');
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map(([, body]) => body!.split('\n').filter((line) => line.trim() !== ''));
}

const dataDir = mkdtempSync(join(tmpdir(), 'herald-readme-tour-'));
// mkdtemp makes the folder 0700; the `postgres` user the cluster runs as under root must enter it.
chmodSync(dataDir, 0o755);
const groups: ChildProcess[] = [];

afterAll(async () => {
  // SIGTERM first so Herald drains and the embedded PostgreSQL stops; then nothing survives.
  for (const child of groups) signalGroup(child, 'SIGTERM');
  await Promise.all(groups.map((child) => exitOf(child, 20_000)));
  for (const child of groups) signalGroup(child, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}, 40_000);

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone
  }
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(done, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
}

/** A process group with its output collected: bash with the reader's environment. */
function startBash(args: string[], env: Record<string, string>) {
  const child = spawn('bash', args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  groups.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk));
  return { child, output };
}

it('runs the quick tour verbatim and the receiver prints its verified line', async () => {
  const blocks = tourBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  const apiPort = await freePort();
  const receiverPort = await freePort();
  const withPorts = (line: string) => line.replaceAll('4000', String(apiPort)).replaceAll('9000', String(receiverPort));
  // A reader's shell: Node 24 on the PATH, no DATABASE_URL, NODE_ENV or HERALD_* variables.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HERALD_DATA_DIR: dataDir };

  const shell = startBash([], env);
  let step = 0;
  /** Runs one line in the session; resolves with its exit status once it has finished. */
  const run = async (line: string): Promise<number> => {
    const marker = `__tour_step_${++step}__`;
    shell.child.stdin!.write(`${line}\nprintf '\\n${marker} %s\\n' "$?"\n`);
    const status = await waitFor(
      async () => shell.output.stdout.match(new RegExp(`\\n${marker} (\\d+)\\n`))?.[1],
      `"${line}" to finish\n${shell.output.stdout}${shell.output.stderr}`,
      STEP_TIMEOUT_MS,
    );
    return Number(status);
  };

  const lines: string[] = [];
  for (const block of blocks) {
    for (const text of block.map(withPorts)) {
      lines.push(text);
      if (/#\s*terminal 1\b/.test(text)) {
        const terminal = startBash(['-c', text], { ...env, PORT: String(apiPort) });
        await waitFor(async () => {
          if (terminal.child.exitCode !== null) throw new Error(`"${text}" exited:\n${terminal.output.stderr}`);
          return terminal.output.stderr.includes(`Herald is listening on http://localhost:${apiPort}/graphql`);
        }, `"${text}" to listen\n${terminal.output.stderr}`, STEP_TIMEOUT_MS);
        expect(terminal.output.stderr.match(/loopback delivery is on \(development only\)/g)).toHaveLength(1);
        continue;
      }
      const status = await run(text);
      expect(status, `${text}\n${shell.output.stderr}`).toBe(0);
      // A reader sees the receiver say it listens before creating the endpoint at it.
      if (/^node sdk\/examples\/listen\.ts .*&/.test(text)) {
        await waitFor(async () => shell.output.stdout.includes(`listening for webhooks on http://127.0.0.1:${receiverPort}/`), 'the receiver to listen');
      }
    }
    // Between blocks a reader waits for what the README says comes next: the receiver's line.
    if (lines.some((line) => line.includes('publishEvent'))) {
      await waitFor(async () => /signature verified\n/.test(shell.output.stdout), `the receiver's verified line\n${shell.output.stdout}`, 30_000);
    }
  }

  const received = shell.output.stdout.split('\n').filter((line) => line.includes('signature'));
  expect(received).toEqual([expect.stringMatching(new RegExp(`^${ISO} conversation\\.created evt_\\S+ signature verified$`))]);
  // No GraphQL call in the tour answered an error.
  expect(shell.output.stdout).not.toMatch(/"(message|errors)"/);
  // The receiver prints its line before it answers, so the delivery may still be recording.
  expect(shell.output.stdout).toMatch(/"deliveries":\{"edges":\[\{"node":\{"status":"(SENDING|SUCCEEDED)"/);
}, 300_000);
