// Short pg-boss timings for tests that wait for a dead worker to be noticed (the fault suite, the
// worker process test): in-process (startTestHerald's config) and in child processes (their
// environment), so both sides of a test enqueue and supervise alike.
import { formatQueueTimings, type QueueTimings } from '../../src/config/queue-timings.ts';

/**
 * Queue timings for tests that wait for pg-boss to notice a dead worker: supervision every second,
 * jobs expiring 3 s after the delivery timeout, retries at once. Production's are seconds longer
 * (src/config/queue-timings.ts); what they guard is the same.
 */
export const FAST_QUEUE_TIMINGS: QueueTimings = {
  superviseIntervalSeconds: 1,
  monitorIntervalSeconds: 1,
  expiryMarginSeconds: 3,
  watchdogMarginSeconds: 2,
  deliverRetryLimit: 5,
  deliverRetryDelaySeconds: 0,
  abandonedRetryLimit: 5,
  abandonedRetryDelaySeconds: 0,
  endpointConcurrency: 100,
};

/** FAST_QUEUE_TIMINGS for a child process's environment. */
export const FAST_QUEUE_ENV = { HERALD_QUEUE_TIMINGS: formatQueueTimings(FAST_QUEUE_TIMINGS) };
