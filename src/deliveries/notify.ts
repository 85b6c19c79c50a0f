// Change notices for live subscriptions: ids only on one channel. NOTIFY payloads are capped near
// 8 KB, and subscribers re-read the row with their own key, so a notice can never leak another
// organization's data. Sent inside the writer's transaction, so only committed changes are heard.
import type { Db } from '../db/prisma.ts';

export const CHANGES_CHANNEL = 'herald_changes';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export interface ChangeNotice {
  kind: 'delivery' | 'endpoint';
  id: string;
  organizationId: string;
  /** For delivery notices, so subscriptions can filter without reading the row. */
  endpointId?: string;
  eventId?: string;
  /**
   * The status and attempt count this notice announces. A subscriber re-reads the row later, when
   * it may already have moved on; reporting these keeps every status, in order.
   */
  status?: string;
  attemptCount?: number;
  /** For endpoint notices: the state announced, for the same reason. */
  active?: boolean;
  disabledReason?: string | null;
}

export async function notifyChange(tx: Tx, notice: ChangeNotice): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify(notice)})`;
}

/** Many notices in one statement (a batch of attempts). */
export async function notifyChanges(tx: Tx, notices: readonly ChangeNotice[]): Promise<void> {
  if (notices.length === 0) return;
  const payloads = notices.map((notice) => JSON.stringify(notice));
  await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, payload) FROM unnest(${payloads}::text[]) AS payload`;
}
