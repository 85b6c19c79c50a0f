// De-risks the boundaries of deliverAt, with the clock passed in: up to a second ahead (or in the
// past) is now, later is scheduled, 30 days ahead is the limit, and the issue names the field.
import { describe, expect, it } from 'vitest';
import { DELIVER_NOW_WITHIN_MS, MAX_DELIVER_AHEAD_MS, publishIssues, requestHash, scheduledFor } from '../../src/events/publish-rules.ts';

const now = new Date('2026-12-02T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const context = { catalog: new Set(['reminder.due']), validatorFor: () => null, maxPayloadBytes: 1_000, now };
const issuesFor = (deliverAt: Date | null) => publishIssues({ type: 'reminder.due', payload: {}, deliverAt }, ['events', '3'], context);

describe('scheduledFor', () => {
  it('is null (at once) without deliverAt, in the past, and up to a second ahead', () => {
    expect(scheduledFor({}, now)).toBeNull();
    expect(scheduledFor({ deliverAt: null }, now)).toBeNull();
    expect(scheduledFor({ deliverAt: at(-86_400_000) }, now)).toBeNull();
    expect(scheduledFor({ deliverAt: now }, now)).toBeNull();
    expect(scheduledFor({ deliverAt: at(DELIVER_NOW_WITHIN_MS) }, now)).toBeNull();
  });

  it('is deliverAt itself beyond that', () => {
    expect(scheduledFor({ deliverAt: at(DELIVER_NOW_WITHIN_MS + 1) }, now)).toEqual(at(DELIVER_NOW_WITHIN_MS + 1));
    expect(scheduledFor({ deliverAt: at(MAX_DELIVER_AHEAD_MS) }, now)).toEqual(at(MAX_DELIVER_AHEAD_MS));
  });
});

describe('publishIssues on deliverAt', () => {
  it('refuses a deliverAt later than retention keeps its event (retention drops whole days)', () => {
    const sevenDays = 7 * 86_400_000;
    const short = { ...context, maxDeliverAheadMs: sevenDays };
    const issues = (deliverAt: Date) => publishIssues({ type: 'reminder.due', payload: {}, deliverAt }, [], short);
    expect(issues(at(sevenDays))).toEqual([]);
    expect(issues(at(sevenDays + 1))).toEqual([{ path: ['deliverAt'], message: 'must be at most 7 days ahead (HERALD_RETENTION_DAYS)' }]);
  });

  it('accepts up to 30 days ahead and refuses a millisecond more, naming the field', () => {
    expect(issuesFor(at(MAX_DELIVER_AHEAD_MS))).toEqual([]);
    expect(issuesFor(at(-MAX_DELIVER_AHEAD_MS))).toEqual([]);
    expect(issuesFor(at(MAX_DELIVER_AHEAD_MS + 1))).toEqual([{ path: ['events', '3', 'deliverAt'], message: 'must be at most 30 days ahead' }]);
  });

  it('leaves deliverAt out of the idempotency request hash', () => {
    const input = { type: 'reminder.due', payload: { a: 1 } };
    expect(requestHash({ ...input, deliverAt: at(60_000) })).toEqual(requestHash(input));
  });
});
