// Who may read /metrics, on the API and on a worker's probe server alike. Metrics name queues,
// endpoint counts and process details: with HERALD_METRICS_TOKEN set only its bearer reads them;
// without one they are open outside production (a developer's curl) and absent in production.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HeraldConfig } from '../config/config.ts';

/** The HTTP status /metrics answers with: 200 serves the metrics. */
export function metricsAccess(config: Pick<HeraldConfig, 'metricsToken' | 'nodeEnv'>, authorization: string | null | undefined): 200 | 401 | 404 {
  if (config.metricsToken === undefined) return config.nodeEnv === 'production' ? 404 : 200;
  const match = /^Bearer (\S+)$/i.exec(authorization?.trim() ?? '');
  // Digests have equal length whatever was sent, so the comparison leaks neither length nor content.
  return match && timingSafeEqual(digest(match[1]!), digest(config.metricsToken)) ? 200 : 401;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
