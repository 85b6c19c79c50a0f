// De-risks which operational events a set of transitions produces and who hears of each, in
// milliseconds: failing at exactly the configured attempt, exhausted on the last, nothing for test
// sends or for deliveries of operational events (the no-loop rule), and the audience of a disabled
// endpoint by what turned it off.
import { describe, expect, it } from 'vitest';
import {
  attemptEvents,
  endpointDisabledEvent,
  endpointEnabledEvent,
  oncePerFailingSpell,
  recipientOrganizations,
  type RecordedAttempt,
} from '../../src/engine/operational-events.ts';
import { matchesEventType } from '../../src/engine/fan-out.ts';

const OPERATOR = 'operator-org';
const at = new Date('2026-12-02T10:00:00.000Z');

function attempt(overrides: Partial<RecordedAttempt> & { number?: number } = {}): RecordedAttempt {
  const { number = 1, ...rest } = overrides;
  return {
    organizationId: 'acme-org',
    endpoint: { rowId: 'ep-row', id: 'ep_1', url: 'https://acme.example/hooks' },
    deliveryId: 'dlv_1',
    event: { id: 'evt_1', type: 'order.created' },
    isTest: false,
    status: 'RETRYING',
    nextAttemptAt: new Date(at.getTime() + 60_000),
    attempt: { number, startedAt: at, responseStatus: 500, errorKind: 'HTTP_STATUS', errorMessage: 'HTTP 500' },
    ...rest,
  };
}

describe('attemptEvents', () => {
  it('announces failing at exactly the configured attempt while retries are due, and exhausted on the last', () => {
    const types = (items: RecordedAttempt[], n = 3) => attemptEvents(items, n).events.map((event) => event.type);
    expect(types([attempt({ number: 2 })])).toEqual([]);
    expect(types([attempt({ number: 3 })])).toEqual(['herald.delivery.failing']);
    expect(types([attempt({ number: 4 })])).toEqual([]);
    expect(types([attempt({ number: 5, status: 'FAILED', nextAttemptAt: null })])).toEqual(['herald.delivery.exhausted']);
    // The configured attempt was the last: exhausted alone says so.
    expect(types([attempt({ number: 3, status: 'FAILED', nextAttemptAt: null })])).toEqual(['herald.delivery.exhausted']);
    // 0: never failing.
    expect(types([attempt({ number: 3 })], 0)).toEqual([]);
  });

  it('writes the payload the catalog documents, ids first', () => {
    const [event] = attemptEvents([attempt({ number: 3 })], 3).events;
    expect(event).toEqual({
      type: 'herald.delivery.failing',
      organizationId: 'acme-org',
      audience: 'ORGANIZATION_AND_OPERATOR',
      data: {
        endpointId: 'ep_1',
        endpointUrl: 'https://acme.example/hooks',
        deliveryId: 'dlv_1',
        eventId: 'evt_1',
        eventType: 'order.created',
        attemptCount: 3,
        nextAttemptAt: '2026-12-02T10:01:00.000Z',
        lastAttempt: { number: 3, startedAt: '2026-12-02T10:00:00.000Z', responseStatus: 500, errorKind: 'HTTP_STATUS', errorMessage: 'HTTP 500' },
      },
    });
  });

  it('marks failing the endpoints it announced, and lists successes (first delivery per endpoint) as recovery candidates', () => {
    const result = attemptEvents(
      [
        attempt({ number: 3 }),
        attempt({ status: 'SUCCEEDED', deliveryId: 'dlv_2', endpoint: { rowId: 'other-row', id: 'ep_2', url: 'https://b' } }),
        attempt({ status: 'SUCCEEDED', deliveryId: 'dlv_3', endpoint: { rowId: 'other-row', id: 'ep_2', url: 'https://b' } }),
      ],
      3,
    );
    expect(result.failingEndpointIds).toEqual(['ep-row']);
    expect([...result.succeeded.entries()]).toEqual([['other-row', { endpoint: { id: 'ep_2', url: 'https://b' }, organizationId: 'acme-org', deliveryId: 'dlv_2', eventId: 'evt_1' }]]);
  });

  it('no loop: deliveries of operational events and test sends announce nothing and recover nothing', () => {
    for (const item of [
      attempt({ number: 3, event: { id: 'evt_9', type: 'herald.delivery.failing' } }),
      attempt({ status: 'FAILED', nextAttemptAt: null, event: { id: 'evt_9', type: 'herald.endpoint.disabled' } }),
      attempt({ status: 'SUCCEEDED', event: { id: 'evt_9', type: 'herald.endpoint.recovered' } }),
      attempt({ number: 3, isTest: true }),
      attempt({ status: 'SUCCEEDED', isTest: true }),
    ]) {
      expect(attemptEvents([item], 3)).toEqual({ events: [], failingEndpointIds: [], succeeded: new Map() });
    }
  });
});

describe('oncePerFailingSpell', () => {
  const failingAt = (endpointId: string, deliveryId: string) =>
    attemptEvents([attempt({ number: 3, deliveryId, endpoint: { rowId: `${endpointId}-row`, id: endpointId, url: 'https://x' } })], 3).events[0]!;
  const exhausted = attemptEvents([attempt({ number: 5, status: 'FAILED', nextAttemptAt: null })], 3).events[0]!;

  it('keeps the first failing of an endpoint whose spell began here, none where it was failing before; exhausted always', () => {
    const batch = [failingAt('ep_1', 'dlv_1'), failingAt('ep_1', 'dlv_2'), failingAt('ep_2', 'dlv_3'), exhausted, failingAt('ep_3', 'dlv_4')];
    const kept = oncePerFailingSpell(batch, new Set(['ep_1', 'ep_3']));
    expect(kept.map((event) => [event.type, event.data.deliveryId])).toEqual([
      ['herald.delivery.failing', 'dlv_1'],
      ['herald.delivery.exhausted', 'dlv_1'],
      ['herald.delivery.failing', 'dlv_4'],
    ]);
    expect(oncePerFailingSpell(batch, new Set())).toEqual([exhausted]);
  });
});

describe('who hears of an endpoint turned off', () => {
  const disabled = (organizationId: string, causedByOperationalEvent: boolean) =>
    endpointDisabledEvent({
      organizationId,
      operatorOrganizationId: OPERATOR,
      endpoint: { id: 'ep_1', url: 'https://x' },
      reason: 'FAILING',
      consecutiveFailures: 10,
      failingSince: null,
      causedByOperationalEvent,
    });

  it('the organization and the operator, when an ordinary delivery turned it off', () => {
    const event = disabled('acme-org', false)!;
    expect(event.data).toMatchObject({ reason: 'FAILING', failingSince: null });
    expect(recipientOrganizations(event, OPERATOR)).toEqual(['acme-org', OPERATOR]);
  });

  it('the operator alone, when a delivery of an operational event turned an organization\'s endpoint off', () => {
    expect(recipientOrganizations(disabled('acme-org', true)!, OPERATOR)).toEqual([OPERATOR]);
  });

  it('nobody, when a delivery of an operational event turned an operator endpoint off', () => {
    expect(disabled(OPERATOR, true)).toBeNull();
  });

  it('the operator once, for its own endpoints\' manual toggles', () => {
    expect(recipientOrganizations(endpointEnabledEvent(OPERATOR, { id: 'ep_1', url: 'https://x' }), OPERATOR)).toEqual([OPERATOR]);
    expect(recipientOrganizations(disabled(OPERATOR, false)!, OPERATOR)).toEqual([OPERATOR]);
  });
});

describe('subscribing to operational events', () => {
  it('takes naming them: `*` matches every product event but no `herald.*` one', () => {
    expect(matchesEventType('*', 'order.created')).toBe(true);
    expect(matchesEventType('*', 'herald.endpoint.disabled')).toBe(false);
    expect(matchesEventType('herald.*', 'herald.endpoint.disabled')).toBe(true);
    expect(matchesEventType('herald.endpoint.*', 'herald.delivery.failing')).toBe(false);
    expect(matchesEventType('herald.delivery.failing', 'herald.delivery.failing')).toBe(true);
  });
});
