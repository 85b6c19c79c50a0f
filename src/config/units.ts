// Parsers for the units configuration is written in. Pure: each returns null for text it does
// not accept, and the caller says which variable was wrong.

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// Durations must carry a unit: a bare `30` could mean seconds or milliseconds, and guessing
// wrong turns a 30 s timeout into 30 ms.
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** `250ms`, `30s`, `1m`, `2h`, `1d` → milliseconds; null for anything else. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  const ms = Number(amount) * (DURATION_UNITS_MS[unit ?? ''] ?? Number.NaN);
  return Number.isSafeInteger(ms) ? ms : null;
}

/** `0s,1m,5m,30m,2h` → milliseconds each; null when empty or when any item is not a duration. */
export function parseDurationList(text: string): number[] | null {
  if (text.trim() === '') return null;
  const durations: number[] = [];
  for (const item of text.split(',')) {
    const ms = parseDuration(item);
    if (ms === null) return null;
    durations.push(ms);
  }
  return durations;
}

const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

// Binary units only, spelled out: `KB` is 1000 to some readers and 1024 to others.
const BYTE_SIZE = /^(\d+)\s*(B|KiB|MiB|GiB)?$/;

/** `262144` (bytes), `512B`, `256KiB`, `1MiB`, `1GiB` → bytes; null for anything else. */
export function parseByteSize(text: string): number | null {
  const match = BYTE_SIZE.exec(text.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  const bytes = Number(amount) * (BYTE_UNITS[unit ?? 'B'] ?? Number.NaN);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Milliseconds as the shortest exact duration text: 90000 → `90s`, 120000 → `2m`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS_MS[unit] ?? 1;
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms === 0 ? '0s' : `${ms}ms`;
}

/** Bytes as the shortest exact size text: 262144 → `256KiB`. */
export function formatByteSize(bytes: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB'] as const) {
    const size = BYTE_UNITS[unit] ?? 1;
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
