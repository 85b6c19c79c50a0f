// De-risks the telemetry folder's shape: it is plumbing (the SDK set-up, spans, trace context and
// instruments), so it imports no domain, no worker and no state machine; they import it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FOLDER = join(import.meta.dirname, '../../src/telemetry');
const ALLOWED_RELATIVE = /^\.\/|^\.\.\/version\.ts$/;

describe('src/telemetry', () => {
  it('imports only itself, src/version.ts and packages', () => {
    const files = readdirSync(FOLDER).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const wrong = files.flatMap((name) =>
      [...readFileSync(join(FOLDER, name), 'utf8').matchAll(/from\s+'([^']+)'/g)]
        .map((match) => match[1]!)
        .filter((spec) => spec.startsWith('.') && !ALLOWED_RELATIVE.test(spec))
        .map((spec) => `${name} → ${spec}`),
    );
    expect(wrong).toEqual([]);
  });
});
