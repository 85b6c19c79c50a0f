// Holding jobs before their claim (a rate limit's later slot, an organization's full share): the
// fetched jobs end and their successors are queued in ONE transaction, so a worker dying before
// its batch completes cannot run a held job again (it would be held a second time, and the two
// jobs of one attempt could then both send). A held delivery is never SENDING and its attempt is
// not counted: it was not sent.
import type { Db, Tx } from '../db/prisma.ts';
import type { DeliverJob, DeliveryQueue, QueuedJob } from '../worker/queue.ts';

/** Ends `held` (jobs of a fetched batch) and queues what `successors` answers inside the same transaction. */
export async function requeueHeld(services: { db: Db; queue: DeliveryQueue }, held: readonly DeliverJob[], successors: (tx: Tx) => Promise<QueuedJob[]>): Promise<void> {
  await services.db.$transaction(async (tx) => {
    await services.queue.complete?.(tx, held.flatMap((job) => (job.queueJobId ? [job.queueJobId] : [])));
    await services.queue.enqueue(tx, await successors(tx));
  });
}
