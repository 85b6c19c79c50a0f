// Which event types a key sees (docs/portal.md, "Which event types a customer sees"). The catalog is
// one per deployment, but what a customer is shown is the integrator's choice:
// - an event type with a feature flag is seen only by keys holding that flag (admin keys see all);
// - a portal session does not see Herald's operational types (herald.*) nor webhook.test unless it
//   was minted with includeOperationalEventTypes: they are the operator's words, not the product's.
// "Seen" means listed by eventTypes, nameable in an endpoint's eventTypes, and testable with
// testEndpoint; a type a key does not see is refused exactly as one that does not exist. Wildcards
// (`*`, `invoice.*`) subscribe to what they match whoever saved them: flags govern what a key sees
// and names, not what is delivered (as Svix's feature flags do).
import type { Principal } from '../auth/principal.ts';
import { isOperationalEventType } from '../engine/operational-events.ts';
import { TEST_EVENT_TYPE } from '../engine/test-event.ts';

export interface CatalogView {
  /** null: every flag (admin keys). */
  readonly featureFlags: ReadonlySet<string> | null;
  readonly operationalTypes: boolean;
}

const EVERYTHING: CatalogView = { featureFlags: null, operationalTypes: true };

export function catalogViewOf(principal: Principal | null): CatalogView {
  if (!principal || principal.kind === 'admin') return EVERYTHING;
  return { featureFlags: principal.featureFlags, operationalTypes: !principal.session || principal.seesOperationalEventTypes };
}

export function seesEventType(view: CatalogView, type: { name: string; featureFlag: string | null }): boolean {
  if (type.featureFlag !== null && view.featureFlags !== null && !view.featureFlags.has(type.featureFlag)) return false;
  if (!view.operationalTypes && (isOperationalEventType(type.name) || type.name === TEST_EVENT_TYPE)) return false;
  return true;
}

/** A feature flag's name: what a key or an event type may carry. */
const FEATURE_FLAG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const MAX_FEATURE_FLAGS = 50;

/** The issue with a list of flag names, or null when every one is a flag name. */
export function featureFlagIssue(flags: readonly string[]): string | null {
  if (flags.length > MAX_FEATURE_FLAGS) return `at most ${MAX_FEATURE_FLAGS} feature flags`;
  const bad = flags.find((flag) => !FEATURE_FLAG.test(flag));
  return bad === undefined ? null : `"${bad}" is not a feature flag name: 1–64 letters, digits, _, . or -, starting with a letter or digit`;
}
