// De-risks the in-flight share accounting: an organization past its share borrows only idle room
// and always leaves one share free, an endpoint's share and the process's total hold, releases
// free exactly what they took, and an organization alone can use all but one share.
import { describe, expect, it } from 'vitest';
import { InFlightShares } from '../../src/engine/in-flight-shares.ts';

const jobs = (organizationId: string, count: number, endpoints = 100) => Array.from({ length: count }, (_, i) => ({ organizationId, endpointId: `${organizationId}-e${i % endpoints}` }));

describe('InFlightShares', () => {
  it('lets an organization alone borrow up to total − share, and a newcomer still its whole share', () => {
    const shares = new InFlightShares({ perOrganization: 250, perEndpoint: 64, total: 1_000 });
    expect(shares.admit(jobs('a', 1_500)).admitted).toHaveLength(750);
    const b = shares.admit(jobs('b', 300));
    expect(b.admitted).toHaveLength(250);
    expect(b.held).toHaveLength(50);
    expect(shares.total).toBe(1_000);
    // The process is full: even an organization with nothing in flight waits now.
    expect(shares.admit(jobs('c', 1)).held).toHaveLength(1);
  });

  it('holds an endpoint at its share whatever its organization has', () => {
    const shares = new InFlightShares({ perOrganization: 250, perEndpoint: 10, total: 1_000 });
    const { admitted, held } = shares.admit(jobs('a', 30, 1));
    expect([admitted.length, held.length]).toEqual([10, 20]);
    expect(shares.inFlightOf({ organizationId: 'a', endpointId: 'a-e0' })).toEqual({ organization: 10, endpoint: 10 });
  });

  it('admits again once attempts are released, and forgets what has nothing in flight', () => {
    const shares = new InFlightShares({ perOrganization: 2, perEndpoint: 5, total: 4 });
    const first = shares.admit(jobs('a', 5));
    expect(first.admitted).toHaveLength(2);
    for (const job of first.admitted) shares.release(job);
    expect(shares.total).toBe(0);
    expect(shares.inFlightOf({ organizationId: 'a', endpointId: 'a-e0' })).toEqual({ organization: 0, endpoint: 0 });
    expect(shares.admit(jobs('a', 5)).admitted).toHaveLength(2);
  });
});
