// De-risks one fact spelled twice: the engine's closed sets (attempt error kinds, signature
// schemes, delivery statuses and what each allows) and the database enums Prisma generates from schema.prisma must
// list the same values, or a write fails at run time (or a value can never be stored).
import { describe, expect, it } from 'vitest';
import { ATTEMPT_ERROR_KINDS } from '../../src/engine/attempt-outcome.ts';
import { DELIVERY_STATUSES, STATUS_RULES, statusesWhere } from '../../src/engine/delivery-status.ts';
import { SIGNATURE_SCHEMES } from '../../src/engine/signing.ts';
import { AttemptErrorKind, DeliveryStatus, SignatureScheme } from '../../src/generated/prisma/enums.ts';

describe('the engine and the database name the same values', () => {
  it.each([
    ['AttemptErrorKind', ATTEMPT_ERROR_KINDS, AttemptErrorKind],
    ['SignatureScheme', SIGNATURE_SCHEMES, SignatureScheme],
    ['DeliveryStatus', DELIVERY_STATUSES, DeliveryStatus],
  ] as const)('%s', (_name, engine, database) => {
    expect([...engine]).toEqual(Object.values(database));
  });
});

describe('what each delivery status allows', () => {
  it('decides every status for every rule, SCHEDULED included', () => {
    expect(Object.keys(STATUS_RULES)).toEqual([...DELIVERY_STATUSES]);
    // A job may start from SCHEDULED (its time has come) as from PENDING and RETRYING.
    expect(statusesWhere('claimable')).toEqual(['SCHEDULED', 'PENDING', 'SENDING', 'RETRYING']);
    expect(statusesWhere('finished')).toEqual(['SUCCEEDED', 'FAILED', 'CANCELLED']);
    // Turning an endpoint off cancels what it still had to receive; an attempt in flight finishes.
    expect(statusesWhere('cancelledWithEndpoint')).toEqual(['SCHEDULED', 'PENDING', 'RETRYING', 'PAUSED']);
    expect(statusesWhere('cancellable')).toEqual(['SCHEDULED']);
    // Nothing is both waiting to be claimed and finished.
    expect(statusesWhere('claimable').filter((status) => STATUS_RULES[status].finished)).toEqual([]);
  });
});
