// A status list for SQL, in its own module: transitions and scheduling both use it, and
// transitions reaches scheduling (operational events create deliveries), so neither can host it.
import type { DeliveryStatusName } from '../engine/delivery-status.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** `'A', 'B'` for `status IN (…)`: the statuses are the engine's constants, never input. */
export const statusList = (statuses: readonly DeliveryStatusName[]) => Prisma.raw(statuses.map((status) => `'${status}'`).join(', '));
