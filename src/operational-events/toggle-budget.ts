// The per-organization budget of manual toggles (ENDPOINT_TOGGLE_BUDGET in
// src/engine/operational-events.ts): the admitting step of GCRA (admitOne in src/engine/rate-limit.ts)
// applied by one statement on the organization's row of endpoint_toggle_budgets, so every API
// process shares it and concurrent toggles serialize on the row, each seeing the TAT the one before
// it left. It runs in the toggle's transaction: a toggle refused, or rolled back later, spends nothing.
import { checkedQuery, sqlTypes } from '../db/checked-sql.ts';
import type { Tx } from '../db/prisma.ts';
import { ENDPOINT_TOGGLE_BUDGET } from '../engine/operational-events.ts';
import { admitOne, emissionIntervalMs, type RateLimit } from '../engine/rate-limit.ts';
import { RateLimitedError } from '../errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { OPERATOR_ORGANIZATION_ID } from '../organizations/operator.ts';

const SAMPLE = { organizationId: OPERATOR_ORGANIZATION_ID, intervalSeconds: 3, toleranceSeconds: 57 };

/** Admits one toggle when now ≥ TAT − τ, moving TAT to max(TAT, now) + T; answers no row when refused. */
export const ADMIT_TOGGLE = checkedQuery({
  name: 'admit an endpoint toggle',
  columns: { tat: sqlTypes.timestamptz },
  sample: SAMPLE,
  sql: ({ organizationId, intervalSeconds, toleranceSeconds }: typeof SAMPLE) => Prisma.sql`
    INSERT INTO endpoint_toggle_budgets AS b (organization_id, tat)
    VALUES (${organizationId}::uuid, now() + make_interval(secs => ${intervalSeconds}::float8))
    ON CONFLICT (organization_id) DO UPDATE
       SET tat = GREATEST(b.tat, now()) + make_interval(secs => ${intervalSeconds}::float8)
     WHERE GREATEST(b.tat, now()) - make_interval(secs => ${toleranceSeconds}::float8) <= now()
    RETURNING b.tat`,
});

/** The budget's state, read after a refusal to say when the next toggle is admitted. */
export const TOGGLE_BUDGET_STATE = checkedQuery({
  name: 'endpoint toggle budget state',
  columns: { tat_ms: sqlTypes.float8, now_ms: sqlTypes.float8 },
  sample: { organizationId: OPERATOR_ORGANIZATION_ID },
  sql: ({ organizationId }: { organizationId: string }) => Prisma.sql`
    SELECT extract(epoch FROM tat)::float8 * 1000 AS tat_ms, extract(epoch FROM now())::float8 * 1000 AS now_ms
      FROM endpoint_toggle_budgets WHERE organization_id = ${organizationId}::uuid`,
});

/**
 * Spends one toggle of the organization's budget, or throws RateLimitedError (the caller's
 * transaction then rolls back: the toggle does not happen and nothing is announced). The operator
 * organization is not limited: its toggles announce to the operator alone.
 */
export async function spendToggle(tx: Tx, organizationId: string, budget: RateLimit = ENDPOINT_TOGGLE_BUDGET): Promise<void> {
  if (organizationId === OPERATOR_ORGANIZATION_ID) return;
  const intervalSeconds = emissionIntervalMs(budget) / 1000;
  const toleranceSeconds = (Math.max(1, budget.burst) - 1) * intervalSeconds;
  const admitted = await ADMIT_TOGGLE.run(tx, { organizationId, intervalSeconds, toleranceSeconds });
  if (admitted.length > 0) return;
  const [state] = await TOGGLE_BUDGET_STATE.run(tx, { organizationId });
  const decision = state ? admitOne(budget, state.tat_ms, state.now_ms) : null;
  const retryAfterMs = decision && !decision.admitted ? decision.retryAfterMs : emissionIntervalMs(budget);
  throw new RateLimitedError(
    `This organization may change endpoints' state ${budget.burst} times at once, then once every ${Math.round(intervalSeconds)} s (each change is announced to the operator); try again shortly.`,
    Math.max(1, Math.ceil(retryAfterMs / 1_000)),
  );
}
