// What the API answers outside GraphQL for people and orchestrators: /health and /ready as JSON
// saying what was checked, and, outside production, a developer's page at / naming the next steps.
import type { Plugin } from 'graphql-yoga';

/** /ready's verdict: `checks` names each thing looked at; `warnings` tell of trouble that does not make this process unready. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
  warnings?: string[];
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** Liveness: this process serves HTTP. Nothing outside it is checked, so a database outage restarts nothing. */
export function healthBody(): string {
  return JSON.stringify({ status: 'ok', checks: { process: 'ok' } });
}

export function readinessBody(readiness: Readiness): string {
  return JSON.stringify({ status: readiness.ready ? 'ok' : 'unavailable', checks: readiness.checks, ...(readiness.warnings?.length ? { warnings: readiness.warnings } : {}) });
}

export interface ProbeOptions {
  isReady: () => Promise<boolean | Readiness>;
  /** The developer's page at / (not in production, where / answers 404). */
  developerPage: { graphiql: boolean } | null;
}

export function useProbes({ isReady, developerPage }: ProbeOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/health') return endResponse(new Response(healthBody(), { headers: JSON_HEADERS }));
      if (url.pathname === '/ready') {
        const readiness = await readinessOf(isReady);
        return endResponse(new Response(readinessBody(readiness), { status: readiness.ready ? 200 : 503, headers: JSON_HEADERS }));
      }
      if (url.pathname === '/' && developerPage) {
        return endResponse(
          new Response(developerPageHtml(developerPage.graphiql), {
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            },
          }),
        );
      }
    },
  };
}

async function readinessOf(isReady: ProbeOptions['isReady']): Promise<Readiness> {
  try {
    const answer = await isReady();
    return typeof answer === 'boolean' ? { ready: answer, checks: {} } : answer;
  } catch {
    return { ready: false, checks: { readiness: 'could not be checked' } };
  }
}

function developerPageHtml(graphiql: boolean): string {
  const explorer = graphiql
    ? '<li><a href="/graphql">GraphiQL at /graphql</a>: the API with its documentation; send <code>Authorization: Bearer &lt;key&gt;</code> in the headers pane.</li>'
    : '<li>GraphQL at <code>POST /graphql</code> (GraphiQL is off: <code>HERALD_GRAPHIQL=true</code> turns it on).</li>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Herald (development)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}code,pre{background:#f3f3f3;border-radius:4px;padding:0 .25rem}pre{padding:.5rem;overflow-x:auto}</style>
</head><body>
<h1>Herald is running</h1>
<p>This page is shown in development only (production answers 404 here).</p>
<ul>
${explorer}
<li>Keys: <code>npm run --silent herald -- admin-key create</code>, then <code>npm run --silent herald -- key create --org &lt;slug&gt;</code>.</li>
<li>The webhooks portal needs a link with a session in it: <pre>npm run --silent herald -- portal-link --org &lt;slug&gt;</pre></li>
<li>Probes: <a href="/health">/health</a>, <a href="/ready">/ready</a> (whether a worker has been seen) and <a href="/metrics">/metrics</a>.</li>
<li>Documentation: <code>README.md</code> (the quick tour) and <code>docs/</code> in the repository; <code>docs/logging.md</code> for the log lines.</li>
</ul>
</body></html>
`;
}
