// Attempts in flight in one worker process (claimed, until recorded, in a batch or detached),
// counted per organization and per endpoint, and the admission rule that shares them. A job is
// admitted before its claim only while:
//   - its endpoint has fewer than `perEndpoint` in flight (a silent receiver ties up its own share),
//   - the process has fewer than `total` in flight (the memory bound on detached attempts), and
//   - its organization has fewer than `perOrganization`, or the process has room beyond one
//     organization's share still free (so an organization alone borrows idle capacity up to
//     total − perOrganization, and a newcomer always finds its share).
// A job not admitted is held before its claim and re-queued a little later (src/worker/share-hold.ts).
// So a quiet organization waits only when the process is full, which takes the silent receivers
// of at least two other organizations (one borrowing up to total − share, another at its share).

export interface ShareLimits {
  perOrganization: number;
  perEndpoint: number;
  total: number;
}

export interface ShareKey {
  organizationId: string;
  endpointId: string;
}

export class InFlightShares {
  readonly limits: ShareLimits;
  private readonly byOrganization = new Map<string, number>();
  private readonly byEndpoint = new Map<string, number>();
  private inFlight = 0;

  constructor(limits: ShareLimits) {
    this.limits = limits;
  }

  get total(): number {
    return this.inFlight;
  }

  inFlightOf(key: Partial<ShareKey>): { organization: number; endpoint: number } {
    return { organization: this.byOrganization.get(key.organizationId ?? '') ?? 0, endpoint: this.byEndpoint.get(key.endpointId ?? '') ?? 0 };
  }

  /** Admits what fits, in order, counting each admitted one in flight until it is released. */
  admit<T extends ShareKey>(jobs: readonly T[]): { admitted: T[]; held: T[] } {
    const admitted: T[] = [];
    const held: T[] = [];
    for (const job of jobs) {
      if (this.fits(job)) {
        this.add(job, 1);
        admitted.push(job);
      } else held.push(job);
    }
    return { admitted, held };
  }

  /** An admitted attempt that ended (recorded, stale, held after all, or failed). */
  release(job: ShareKey): void {
    this.add(job, -1);
  }

  private fits({ organizationId, endpointId }: ShareKey): boolean {
    const { perOrganization, perEndpoint, total } = this.limits;
    if ((this.byEndpoint.get(endpointId) ?? 0) >= perEndpoint) return false;
    if (this.inFlight >= total) return false;
    return (this.byOrganization.get(organizationId) ?? 0) < perOrganization || this.inFlight < total - perOrganization;
  }

  private add({ organizationId, endpointId }: ShareKey, by: 1 | -1): void {
    this.inFlight += by;
    bump(this.byOrganization, organizationId, by);
    bump(this.byEndpoint, endpointId, by);
  }
}

/** Counts of zero are deleted: the maps hold only what is in flight. */
function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
