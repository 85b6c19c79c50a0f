// The portal tests need the built SPA (portal/dist): built here when it is missing or older than
// its sources, once per run however many test files ask (a directory lock between forks).
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const built = join(root, 'portal/dist/index.html');
const sources = ['portal/src', 'portal/index.html', 'portal/vite.config.ts', 'sdk/src', 'src/portal/portal-theme.ts'].map((path) => join(root, path));
const lock = join(root, 'portal/.build-lock');

function newest(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function fresh(): boolean {
  try {
    return statSync(built).mtimeMs >= Math.max(...sources.map(newest));
  } catch {
    return false;
  }
}

export async function ensurePortalBuilt(): Promise<void> {
  if (fresh()) return;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`portal build lock ${lock} held for two minutes: remove it if no build runs`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (fresh()) return;
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'portal/vite.config.ts'], { cwd: root });
  } finally {
    rmdirSync(lock);
  }
}
