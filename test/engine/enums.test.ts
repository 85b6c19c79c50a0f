// De-risks one fact spelled twice: the engine's closed sets (attempt error kinds, signature
// schemes, delivery statuses) and the database enums Prisma generates from schema.prisma must
// list the same values, or a write fails at run time (or a value can never be stored).
import { describe, expect, it } from 'vitest';
import { ATTEMPT_ERROR_KINDS } from '../../src/engine/attempt-outcome.ts';
import { SIGNATURE_SCHEMES } from '../../src/engine/signing.ts';
import { AttemptErrorKind, SignatureScheme } from '../../src/generated/prisma/enums.ts';

describe('the engine and the database name the same values', () => {
  it.each([
    ['AttemptErrorKind', ATTEMPT_ERROR_KINDS, AttemptErrorKind],
    ['SignatureScheme', SIGNATURE_SCHEMES, SignatureScheme],
  ] as const)('%s', (_name, engine, database) => {
    expect([...engine]).toEqual(Object.values(database));
  });
});
