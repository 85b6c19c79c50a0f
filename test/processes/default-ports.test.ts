// De-risks `herald api` and `herald worker` side by side on one machine with no variables: both
// took port 4000 and the worker exited with EADDRINUSE. The worker's probes default to 4001; the
// two share the embedded cluster the first one started.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHeraldProcess, type HeraldProcess } from '../support/herald-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'herald-default-ports-'));
chmodSync(dataDir, 0o755); // the postgres OS user (under root) must reach the cluster's folder
const started: HeraldProcess[] = [];
afterAll(async () => {
  // The worker first: the API's process owns the embedded cluster.
  for (const child of started.reverse()) await child.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('herald api and herald worker with no variables', () => {
  it('listen on distinct default ports (4000 and 4001), and both answer /health', async () => {
    // PORT empty counts as unset; DATABASE_URL unset: the embedded default.
    const env = { PORT: '', HERALD_DATA_DIR: dataDir };
    const api = await startHeraldProcess('api', env, 90_000);
    started.push(api);
    const worker = await startHeraldProcess('worker', env, 90_000);
    started.push(worker);
    expect([api.port, worker.port]).toEqual([4000, 4001]);
    for (const { origin } of [api, worker]) {
      expect((await fetch(`${origin}/health`, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
    }
    expect(await worker.stop()).toBe(0);
    expect(await api.stop()).toBe(0);
  }, 200_000);
});
