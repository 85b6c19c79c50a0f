// Prometheus metrics, one registry per process (no module-level state). Counters and the histogram
// are fed where things happen; queue depth and disabled endpoints are read when scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  /** Jobs waiting (created or retry) in the delivery queue. */
  queueDepth(): Promise<number>;
  /** Inactive endpoints by reason (MANUAL, FAILING, GONE). */
  disabledEndpoints(): Promise<Array<{ reason: string; count: number }>>;
  /** Subscriptions open in this process (0 where none are served). */
  openSubscriptions(): number;
}

export interface HeraldMetrics {
  registry: Registry;
  /** Deliveries reaching a status in this process (SUCCEEDED, RETRYING, FAILED). */
  deliveries: Counter<'status'>;
  attemptDuration: Histogram<'outcome'>;
  /** Slow attempts finishing in the background after their batch moved on (see deliverBatch). */
  backgroundAttempts: Gauge;
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(sources: MetricSources): HeraldMetrics {
  const registry = new Registry();
  // prom-client's default names already start with process_ or nodejs_: the prefix is Herald's alone
  // (herald_process_cpu_seconds_total, herald_nodejs_heap_size_used_bytes).
  collectDefaultMetrics({ register: registry, prefix: 'herald_' });
  const deliveries = new Counter({
    name: 'herald_deliveries_total',
    help: 'Deliveries that reached a status in this process, by status.',
    labelNames: ['status'],
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: 'herald_attempt_duration_seconds',
    help: 'Duration of delivery attempts (request to response or error), by outcome.',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const backgroundAttempts = new Gauge({
    name: 'herald_background_attempts',
    help: 'Slow delivery attempts finishing in the background after their batch moved on.',
    registers: [registry],
  });
  new Gauge({
    name: 'herald_queue_depth',
    help: 'Delivery attempts waiting in the queue.',
    registers: [registry],
    async collect() {
      this.set(await sources.queueDepth());
    },
  });
  new Gauge({
    name: 'herald_endpoints_disabled',
    help: 'Endpoints turned off, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { reason, count } of await sources.disabledEndpoints()) this.set({ reason }, count);
    },
  });
  new Gauge({
    name: 'herald_open_subscriptions',
    help: 'GraphQL subscriptions open in this process.',
    registers: [registry],
    collect() {
      this.set(sources.openSubscriptions());
    },
  });
  return {
    registry,
    deliveries,
    attemptDuration,
    backgroundAttempts,
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
