// pg-boss's timings for Herald's queues, as data: production uses the defaults; the fault tests'
// child processes shorten them with HERALD_QUEUE_TIMINGS so a crash is recovered in a second or two
// instead of the ten or more seconds production allows. Pure: parsing says what was wrong, and the
// config module names the variable.
import { parseDuration } from './units.ts';

export interface QueueTimings {
  /**
   * Supervision notices a job whose worker died (it expires), and it visits a queue only when the
   * queue's monitor slot is due: both every few seconds rather than pg-boss's minute, so a killed
   * worker's attempt is re-run within seconds of its expiry.
   */
  superviseIntervalSeconds: number;
  monitorIntervalSeconds: number;
  /** A delivery job expires this long after the delivery timeout: room to record the attempt. */
  expiryMarginSeconds: number;
  /**
   * A slow attempt detached from its batch gets a watchdog job due this long after the delivery
   * timeout (room to record it): the watchdog re-runs it if its worker died (see deliverBatch).
   */
  watchdogMarginSeconds: number;
  /** pg-boss's own retries of a delivery job whose handler threw or whose worker died. */
  deliverRetryLimit: number;
  deliverRetryDelaySeconds: number;
  /** The same for the abandoned queue (ending such deliveries FAILED). */
  abandonedRetryLimit: number;
  abandonedRetryDelaySeconds: number;
  /**
   * Delivery jobs of one endpoint active at once, across every worker (pg-boss's groupConcurrency,
   * counted in the job table). Tests lower it to see the cap hold across processes.
   */
  endpointConcurrency: number;
}

/**
 * Attempts one worker process has in flight at most (claimed, until recorded, detached ones
 * included): past it, jobs are held before their claim and re-queued (src/engine/in-flight-shares.ts).
 */
export const MAX_IN_FLIGHT_ATTEMPTS = 1_000;

export const DEFAULT_QUEUE_TIMINGS: Readonly<QueueTimings> = Object.freeze({
  superviseIntervalSeconds: 5,
  monitorIntervalSeconds: 5,
  expiryMarginSeconds: 5,
  watchdogMarginSeconds: 15,
  deliverRetryLimit: 5,
  deliverRetryDelaySeconds: 1,
  abandonedRetryLimit: 5,
  abandonedRetryDelaySeconds: 5,
  endpointConcurrency: 100,
});

/** The names HERALD_QUEUE_TIMINGS uses: `supervise=1s,monitor=1s,expiryMargin=1s,retryDelay=0s`. */
const FIELDS = {
  supervise: { field: 'superviseIntervalSeconds', kind: 'seconds', min: 1 },
  monitor: { field: 'monitorIntervalSeconds', kind: 'seconds', min: 1 },
  expiryMargin: { field: 'expiryMarginSeconds', kind: 'seconds', min: 0 },
  watchdogMargin: { field: 'watchdogMarginSeconds', kind: 'seconds', min: 0 },
  retryLimit: { field: 'deliverRetryLimit', kind: 'count', min: 1 },
  retryDelay: { field: 'deliverRetryDelaySeconds', kind: 'seconds', min: 0 },
  abandonedRetryLimit: { field: 'abandonedRetryLimit', kind: 'count', min: 1 },
  abandonedRetryDelay: { field: 'abandonedRetryDelaySeconds', kind: 'seconds', min: 0 },
  endpointConcurrency: { field: 'endpointConcurrency', kind: 'count', min: 1 },
} as const satisfies Record<string, { field: keyof QueueTimings; kind: 'seconds' | 'count'; min: number }>;

const MAX_SECONDS = 3_600;
const MAX_COUNT = 100;

/** The defaults with the listed timings replaced, or what is wrong with the text. */
export function parseQueueTimings(text: string): { ok: true; timings: QueueTimings } | { ok: false; problem: string } {
  const timings: QueueTimings = { ...DEFAULT_QUEUE_TIMINGS };
  for (const item of text.split(',')) {
    const [name = '', value = ''] = item.split('=').map((part) => part.trim());
    const spec = FIELDS[name as keyof typeof FIELDS];
    if (!spec) return { ok: false, problem: `unknown timing ${JSON.stringify(name)} (known: ${Object.keys(FIELDS).join(', ')})` };
    let amount: number | null;
    if (spec.kind === 'count') {
      amount = /^\d+$/.test(value) ? Number(value) : null;
      if (amount === null || amount < spec.min || amount > MAX_COUNT) return { ok: false, problem: `${name} must be a whole number from ${spec.min} to ${MAX_COUNT}` };
    } else {
      // pg-boss counts these in whole seconds.
      const ms = parseDuration(value);
      amount = ms !== null && ms % 1_000 === 0 ? ms / 1_000 : null;
      if (amount === null || amount < spec.min || amount > MAX_SECONDS) return { ok: false, problem: `${name} must be whole seconds from ${spec.min}s to ${MAX_SECONDS}s, such as 1s` };
    }
    timings[spec.field] = amount;
  }
  return { ok: true, timings };
}

/** The timings as HERALD_QUEUE_TIMINGS spells them, for a child process. */
export function formatQueueTimings(timings: QueueTimings): string {
  return Object.entries(FIELDS)
    .map(([name, spec]) => `${name}=${timings[spec.field]}${spec.kind === 'seconds' ? 's' : ''}`)
    .join(',');
}
