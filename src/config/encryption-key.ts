// The key that encrypts endpoint secrets. Production sets HERALD_ENCRYPTION_KEY (loadConfig
// refuses to start without it); development and test generate one on first start and keep it in
// <dataDir>/encryption-key, so secrets stored in the embedded database still decrypt next time.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile, link, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { HeraldConfig } from './config.ts';

export const KEY_BYTES = 32;

/**
 * The one check of an encryption key's text (HERALD_ENCRYPTION_KEY, the key file): the key, or
 * what is wrong with it, never the text itself (it is a secret).
 */
export function decodeEncryptionKey(text: string): { ok: true; key: Buffer } | { ok: false; problem: string } {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return { ok: false, problem: 'text that is not base64' };
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) return { ok: false, problem: `${key.length} bytes` };
  return { ok: true, key };
}

export function encryptionKeyPath(config: Pick<HeraldConfig, 'dataDir'>): string {
  return join(config.dataDir, 'encryption-key');
}

export async function resolveEncryptionKey(config: HeraldConfig, warn: (line: string) => void): Promise<Buffer> {
  if (config.encryptionKeyBase64 !== undefined) {
    const decoded = decodeEncryptionKey(config.encryptionKeyBase64);
    if (!decoded.ok) throw new Error(`HERALD_ENCRYPTION_KEY must be the base64 of ${KEY_BYTES} bytes, got ${decoded.problem}`);
    return decoded.key;
  }
  if (config.nodeEnv === 'production') throw new Error('HERALD_ENCRYPTION_KEY is required when NODE_ENV=production');

  const path = encryptionKeyPath(config);
  const existing = await readKeyFile(path);
  if (existing) return existing;

  const key = randomBytes(KEY_BYTES);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // Written whole under a temporary name, then linked into place: link fails if the file exists,
  // so of two processes starting at once (api and worker) one wins and the other reads its key,
  // and nobody ever reads a half-written file.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600); // the umask may have narrowed the mode; make it exact
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readKeyFile(path);
    if (winner) return winner;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  warn(`generated an encryption key for endpoint secrets and kept it in ${path}; production must set HERALD_ENCRYPTION_KEY`);
  return key;
}

/** The key in the file, null when there is no file; throws naming the file when it is not a key. */
async function readKeyFile(path: string): Promise<Buffer | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const decoded = decodeEncryptionKey(text.trim());
  if (!decoded.ok) {
    throw new Error(
      `encryption key file ${path} is corrupt: expected the base64 of ${KEY_BYTES} bytes. ` +
        'Restore it, or delete it to generate a new key (endpoint secrets stored under the old key will no longer decrypt).',
    );
  }
  return decoded.key;
}
