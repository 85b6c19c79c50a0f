// The delivery log, live: subscribe first, wait until Herald has registered the subscription
// (`sub.ready`), then read the page, so no change falls between the read and the feed. Each
// update replaces its row; a new delivery that matches the filters appears at the top of the
// first page.
import { useEffect, useState } from 'react';
import type { DeliveryWithAttempts } from '@herald/sdk';
import { useSession } from '../session/session.tsx';
import { loadLogPage, matches, PAGE_SIZE, type LogFilter } from './delivery-page.ts';

export type LiveState = 'connecting' | 'live' | 'off';

export interface LiveLog {
  rows: DeliveryWithAttempts[] | null;
  next: string | null;
  error: string | null;
  live: LiveState;
}

export function useLiveLog(filter: LogFilter, after: string | null): LiveLog {
  const { herald, report } = useSession();
  const [state, setState] = useState<LiveLog>({ rows: null, next: null, error: null, live: 'connecting' });
  const key = JSON.stringify(filter);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setState((s) => ({ ...s, rows: null, error: null, live: 'connecting' }));
    const sub = herald.deliveryUpdated({ filter: filter.endpointId ? { endpointId: filter.endpointId } : {} }, { signal });
    const pending: DeliveryWithAttempts[] = [];
    let loaded = false;

    const merge = (rows: DeliveryWithAttempts[], delivery: DeliveryWithAttempts): DeliveryWithAttempts[] => {
      const index = rows.findIndex((row) => row.id === delivery.id);
      if (index >= 0) {
        // A status may only move on: an older notice arriving late does not undo a newer one.
        if (rows[index]!.attemptCount > delivery.attemptCount) return rows;
        return rows.map((row, i) => (i === index ? delivery : row));
      }
      if (after !== null || !matches(filter, delivery)) return rows;
      return [delivery, ...rows].slice(0, PAGE_SIZE);
    };

    const follow = async () => {
      try {
        for await (const delivery of sub) {
          if (!delivery) continue;
          if (!loaded) pending.push(delivery);
          else setState((s) => (s.rows ? { ...s, rows: merge(s.rows, delivery) } : s));
        }
      } catch (error) {
        if (!signal.aborted) {
          report(error);
          setState((s) => ({ ...s, live: 'off' }));
        }
      }
    };
    void follow();

    const start = async () => {
      let live: LiveState = 'live';
      try {
        await sub.ready;
      } catch (error) {
        if (signal.aborted) return;
        report(error);
        live = 'off';
      }
      try {
        const page = await loadLogPage(herald, filter, after, signal);
        loaded = true;
        const rows = pending.reduce(merge, page.rows);
        setState({ rows, next: page.next, error: null, live });
      } catch (error) {
        if (!signal.aborted) setState({ rows: null, next: null, error: report(error), live: 'off' });
      }
    };
    void start();

    return () => {
      controller.abort();
      void sub.return?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [herald, key, after]);

  return state;
}
