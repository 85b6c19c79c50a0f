// Herald's OpenTelemetry metrics (OTel naming: herald.*, units in UCUM). Created from the global
// meter on first use: before startTelemetry (or without it) that is the API's no-op meter, whose
// instruments do nothing. Attributes stay low in cardinality: outcomes and error kinds, no ids.
import { metrics, type Counter, type Histogram } from '@opentelemetry/api';
import { VERSION } from '../version.ts';

export interface HeraldInstruments {
  /** Attempts recorded, by `herald.outcome` (SUCCEEDED, RETRYING, FAILED) and `error.type`. */
  attempts: Counter;
  /** Seconds from sending an attempt to its answer (or failure), by the same attributes. */
  attemptDuration: Histogram;
  /** Events published (replays of an idempotency key not counted). */
  eventsPublished: Counter;
  /** Deliveries created by publishing: one per matching endpoint of each event. */
  deliveriesCreated: Counter;
}

let made: HeraldInstruments | null = null;

export function instruments(): HeraldInstruments {
  if (made) return made;
  const meter = metrics.getMeter('herald', VERSION);
  made = {
    attempts: meter.createCounter('herald.attempts', { description: 'Delivery attempts recorded, by outcome and error kind.', unit: '{attempt}' }),
    attemptDuration: meter.createHistogram('herald.attempt.duration', {
      description: 'Duration of delivery attempts, from sending to the answer or failure.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
    }),
    eventsPublished: meter.createCounter('herald.events.published', { description: 'Events published.', unit: '{event}' }),
    deliveriesCreated: meter.createCounter('herald.deliveries.created', { description: 'Deliveries created by publishing.', unit: '{delivery}' }),
  };
  return made;
}

/** startTelemetry's meter provider replaces the no-op one: instruments are made again from it. */
export function resetInstruments(): void {
  made = null;
}
