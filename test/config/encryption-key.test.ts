// De-risks the key that encrypts endpoint secrets: the configured key is used as given; without
// one, development generates a key once (mode 0600), warns once, and re-uses it on every later
// start, so stored secrets keep decrypting; a damaged key file stops start-up naming the file.
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromDefaults } from '../../src/config/config.ts';
import { encryptionKeyPath, resolveEncryptionKey } from '../../src/config/encryption-key.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'herald-key-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function collect() {
  const lines: string[] = [];
  return { lines, warn: (line: string) => void lines.push(line) };
}

describe('resolveEncryptionKey', () => {
  it('uses HERALD_ENCRYPTION_KEY when set and writes nothing', async () => {
    const bytes = Buffer.alloc(32, 3);
    const dataDir = join(root, 'data');
    const { lines, warn } = collect();
    const key = await resolveEncryptionKey(configFromDefaults({ dataDir, encryptionKeyBase64: bytes.toString('base64') }), warn);
    expect(key.equals(bytes)).toBe(true);
    expect(lines).toEqual([]);
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('generates a key once with mode 0600, warns once, and re-uses it', async () => {
    const config = configFromDefaults({ nodeEnv: 'development', dataDir: join(root, 'nested', 'data') });
    const path = encryptionKeyPath(config);
    const first = collect();
    const key = await resolveEncryptionKey(config, first.warn);
    expect(key.length).toBe(32);
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toContain(path);
    expect(first.lines[0]).toContain('HERALD_ENCRYPTION_KEY');
    expect(first.lines[0]).not.toMatch(/\n/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(key.toString('base64'));

    const second = collect();
    const again = await resolveEncryptionKey(config, second.warn);
    expect(again.equals(key)).toBe(true);
    expect(second.lines).toEqual([]);
  });

  it('gives every process starting at once the same key', async () => {
    const config = configFromDefaults({ nodeEnv: 'test', dataDir: join(root, 'data') });
    const { lines, warn } = collect();
    const keys = await Promise.all(Array.from({ length: 8 }, () => resolveEncryptionKey(config, warn)));
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it.each([
    ['empty', ''],
    ['too short', Buffer.alloc(16, 1).toString('base64')],
    ['not base64', 'this is not a key at all, sorry!!!!!!!!!!!!'],
  ])('refuses a key file that is %s, naming the file', async (_kind, content) => {
    const config = configFromDefaults({ dataDir: join(root, 'data') });
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(encryptionKeyPath(config), content);
    const { warn } = collect();
    await expect(resolveEncryptionKey(config, warn)).rejects.toThrow(`encryption key file ${encryptionKeyPath(config)} is corrupt`);
    expect(await readFile(encryptionKeyPath(config), 'utf8')).toBe(content);
  });

  it('never generates a key in production', async () => {
    const config = configFromDefaults({ nodeEnv: 'production', dataDir: join(root, 'data') });
    const { warn } = collect();
    await expect(resolveEncryptionKey(config, warn)).rejects.toThrow('HERALD_ENCRYPTION_KEY');
    await expect(stat(config.dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
