// De-risks Ctrl-C on the default `npm start` (embedded PostgreSQL, no DATABASE_URL): a terminal
// sends SIGINT to its whole foreground process group, and a postmaster in Herald's group stopped
// first, so the drain printed "queue error … terminating connection" lines and, once, a stack.
// Herald must drain, stop the cluster after it, say so and exit 0 — every time — and a Herald
// killed outright must not leave its postmaster running.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, runningCluster } from '../../src/db/embedded-postgres.ts';
import { MAIN } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';

const RUNS = 5;
const dataDir = mkdtempSync(join(tmpdir(), 'herald-clean-stop-'));
// As root the postmaster runs as the `postgres` OS user, which must reach its folder.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `node src/main.ts serve` (or `npm start` itself) as run in a terminal: its own process group, no
 * DATABASE_URL. Under npm, /bin/sh sits between npm and Herald unless the script execs: dash kills
 * itself after any SIGINT it saw, and npm then exited 130 although Herald had exited 0.
 */
function startDetached(via: 'node' | 'npm' = 'node'): Run {
  const [command, args] = via === 'node' ? [process.execPath, [MAIN, 'serve']] : ['npm', ['start', '--silent']];
  const child = spawn(command, args, {
    cwd: REPO,
    env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', PORT: '0', HERALD_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function untilListening(run: Run): Promise<void> {
  await Promise.race([
    waitFor(async () => /Herald is listening on/.test(run.output()), 'Herald to listen', 90_000),
    run.exited.then(() => {
      throw new Error(`Herald exited before listening:\n${run.output()}`);
    }),
  ]);
}

function postmasterPid(): number | null {
  return runningCluster(join(dataDir, 'postgres'))?.pid ?? null;
}

describe('Ctrl-C on the embedded default', () => {
  it(`drains, stops the cluster after it and exits 0, ${RUNS} times in a row`, async () => {
    for (let run = 1; run <= RUNS; run += 1) {
      const herald = startDetached();
      try {
        await untilListening(herald);
        const postmaster = postmasterPid();
        expect(postmaster, 'the embedded postmaster runs').not.toBeNull();
        // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
        process.kill(-herald.child.pid!, 'SIGINT');
        const { code } = await herald.exited;
        const output = herald.output();
        expect({ run, code, output }).toMatchObject({ run, code: 0 });
        expect(output).toMatch(/SIGINT: draining/);
        expect(output).toMatch(/herald info: stopped/);
        expect(output, `run ${run}`).not.toMatch(/error/i);
        expect(output, `run ${run}`).not.toMatch(/^\s+at /m);
        expect(isAlive(postmaster!), 'the postmaster stopped with Herald').toBe(false);
      } finally {
        if (herald.child.exitCode === null && herald.child.signalCode === null) process.kill(-herald.child.pid!, 'SIGKILL');
      }
    }
  }, 600_000);

  it('npm start: Ctrl-C exits 0 too (3 times)', async () => {
    for (let run = 1; run <= 3; run += 1) {
      const herald = startDetached('npm');
      try {
        await untilListening(herald);
        process.kill(-herald.child.pid!, 'SIGINT');
        const { code } = await herald.exited;
        expect({ run, code, output: herald.output() }).toMatchObject({ run, code: 0, output: expect.stringMatching(/herald info: stopped/) });
        expect(herald.output(), `run ${run}`).not.toMatch(/error|^\s+at /im);
      } finally {
        if (herald.child.exitCode === null && herald.child.signalCode === null) process.kill(-herald.child.pid!, 'SIGKILL');
      }
    }
  }, 300_000);

  it('a Ctrl-C delivered twice (by the terminal, then forwarded by npm) still drains and exits 0', async () => {
    const herald = startDetached();
    await untilListening(herald);
    process.kill(-herald.child.pid!, 'SIGINT');
    await waitFor(async () => /SIGINT: draining/.test(herald.output()), 'the drain to begin', 10_000);
    process.kill(herald.child.pid!, 'SIGINT');
    const { code } = await herald.exited;
    expect({ code, output: herald.output() }).toMatchObject({ code: 0, output: expect.stringMatching(/herald info: stopped/) });
  }, 120_000);

  it('leaves no postmaster behind when Herald is killed outright', async () => {
    const herald = startDetached();
    await untilListening(herald);
    const postmaster = postmasterPid();
    expect(postmaster).not.toBeNull();
    // SIGKILL to Herald alone: no handler runs; its supervisor sees the IPC channel close.
    herald.child.kill('SIGKILL');
    await herald.exited;
    await waitFor(async () => !isAlive(postmaster!), 'the orphaned postmaster to stop', 30_000);
  }, 120_000);
});
