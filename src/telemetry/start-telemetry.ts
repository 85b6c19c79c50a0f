// Starting and stopping telemetry: only src/processes calls it. Off (no settings), nothing is
// loaded: the SDK and its exporters (seconds of module loading on a busy machine) are imported
// only when an endpoint is set.
import type { Telemetry, TelemetrySettings } from './settings.ts';

export type { Telemetry };

const OFF: Telemetry = { shutdown: async () => undefined };

/** `warn` reports what the SDK itself cannot do (an export refused). */
export async function startTelemetry(settings: TelemetrySettings | null, processKind: string, warn: (message: string) => void): Promise<Telemetry> {
  if (!settings) return OFF;
  const { setUpSdk } = await import('./sdk-setup.ts');
  return setUpSdk(settings, processKind, warn);
}
