// Values the user typed for the CLI's flags and arguments, checked before anything opens the
// database: ids of the right type, limits, statuses. Light on imports, so a typo is told at once.
import { DELIVERY_STATUSES, type DeliveryStatusName } from '../engine/delivery-status.ts';
import { globalIdPrefix, idOfType, type NodeTypeName } from '../global-id.ts';
import { UsageError } from './args.ts';
import { didYouMean } from './suggest.ts';

const WHAT: Record<NodeTypeName, string> = {
  Organization: 'an organization',
  ApiKey: 'an API key',
  Endpoint: 'an endpoint',
  Event: 'an event',
  Delivery: 'a delivery',
};

/** The row id behind a global id the user typed for `flag` (`<id>`, `--endpoint`), or a usage error. */
export function rowId(typed: string, typename: NodeTypeName, flag: string): string {
  const id = idOfType(typed, typename);
  if (!id) throw new UsageError(`${flag}: "${typed}" is not ${WHAT[typename]} id (${globalIdPrefix(typename)}…)`);
  return id;
}

/** `--limit`: 20 when not given. */
export function parseLimit(typed: string | undefined): number {
  if (typed === undefined) return 20;
  const limit = Number(typed);
  if (!/^\d+$/.test(typed) || limit < 1 || limit > 500) throw new UsageError(`--limit: expected a whole number from 1 to 500, got "${typed}"`);
  return limit;
}

export function parseStatus(typed: string | undefined): DeliveryStatusName | undefined {
  if (typed === undefined) return undefined;
  const status = typed.toUpperCase();
  if (!(DELIVERY_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status: "${typed}" is not a delivery status (${DELIVERY_STATUSES.join(', ')})${didYouMean(status, DELIVERY_STATUSES)}`);
  }
  return status as DeliveryStatusName;
}
