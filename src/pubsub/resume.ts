// A subscription that resumes after a cursor: first the change log's rows after it (in log order,
// page by page, filtered as the live feed is), then the live feed, less what the log already gave.
// The live feed listens from before the first page is read, and both follow the same order, so
// every change after the cursor comes once: the ones the pages reached are dropped from the feed,
// the ones past the last page are the feed's.
import type pg from 'pg';
import { compareKeys, keyOf, readAfter, type LogKey } from './change-log.ts';
import type { ChangeNotice, ChangeTopic, NoticeOf } from './notices.ts';

export const RESUME_PAGE = 500;

export function resumedAfter<T extends ChangeNotice>(
  feed: AsyncIterableIterator<T>,
  after: LogKey,
  readPage: (after: LogKey, limit: number) => Promise<T[]>,
  keep: (notice: T) => boolean,
): AsyncIterableIterator<T> {
  let last = after;
  let backlog: T[] = [];
  let catchingUp = true;
  let ended = false;
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        if (ended) return { done: true, value: undefined };
        const head = backlog.shift();
        if (head !== undefined) return { done: false, value: head };
        if (catchingUp) {
          const page = await readPage(last, RESUME_PAGE);
          const end = page.at(-1);
          if (end) last = keyOf(end);
          backlog = page.filter(keep);
          if (page.length < RESUME_PAGE) catchingUp = false;
          continue;
        }
        const step = await feed.next();
        if (step.done) return step;
        if (compareKeys(keyOf(step.value), last) <= 0) continue;
        last = keyOf(step.value);
        return step;
      }
    },
    return() {
      ended = true;
      backlog = [];
      return feed.return ? feed.return() : Promise.resolve({ done: true, value: undefined });
    },
    throw(error: unknown) {
      ended = true;
      backlog = [];
      return feed.throw ? feed.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Pages of one organization's changes of one topic, for `resumedAfter`. */
export function organizationLog<T extends ChangeTopic>(db: Pick<pg.ClientBase, 'query'>, kind: T, organizationId: string): (after: LogKey, limit: number) => Promise<Array<NoticeOf<T>>> {
  return async (after, limit) => (await readAfter(db, after, limit, { organizationId, kind })) as Array<NoticeOf<T>>;
}
