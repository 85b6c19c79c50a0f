// GraphiQL with every asset served by Herald itself, from the pinned @graphql-yoga/render-graphiql
// package: Yoga's default page loads its scripts from a CDN without integrity checks, so whoever
// controls the CDN runs script in the page where operators paste admin keys. The page carries no
// inline script (its options travel as a JSON data block), so the Content-Security-Policy allows
// scripts and workers from this origin only.
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

const ASSETS = '/graphiql/';

export const GRAPHIQL_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // Monaco's editor workers, served below.
  "worker-src 'self'",
  // GraphiQL and Monaco insert <style> elements and style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  // Monaco's icon font and a few images are data: URLs inside the stylesheet.
  'font-src data:',
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Sets Monaco's worker URLs before the bundle loads, then renders once the page is parsed.
const BOOT_SCRIPT = `self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => '${ASSETS}' + (label === 'json' || label === 'graphql' ? label : 'editor') + '.worker.js',
};
window.addEventListener('DOMContentLoaded', () => {
  const options = JSON.parse(document.getElementById('graphiql-options').textContent);
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
});
`;

/** The page, for Yoga's `renderGraphiQL`: markup and same-origin asset links only. */
export function renderGraphiQL(options: GraphiQLOptions = {}): string {
  // `<` escaped so no option value can close the data block.
  const json = JSON.stringify(options).replaceAll('<', '\\u003c');
  const title = (options.title ?? 'GraphiQL').replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="${ASSETS}favicon.ico">
<link rel="stylesheet" href="${ASSETS}graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root"></div>
<script type="application/json" id="graphiql-options">${json}</script>
<script src="${ASSETS}boot.js"></script>
<script src="${ASSETS}graphiql.js"></script>
</body>
</html>
`;
}

interface Asset {
  type: string;
  body: string | Uint8Array<ArrayBuffer>;
}

/** Serves GET /graphiql/<asset>; the 9 MB package is loaded on the first asset request only. */
export function useGraphiQLAssets(): Plugin {
  let assets: Promise<Map<string, Asset>> | undefined;
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== 'GET' || !url.pathname.startsWith(ASSETS)) return;
      assets ??= loadAssets();
      const asset = (await assets).get(url.pathname.slice(ASSETS.length));
      if (!asset) return endResponse(new Response('not found', { status: 404 }));
      endResponse(new Response(asset.body, { headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' } }));
    },
  };
}

/**
 * nosniff everywhere; no framing and GraphiQL's CSP on everything without a policy of its own. The
 * portal (src/portal/serve-portal.ts) sets its own, which may let configured origins frame it:
 * an X-Frame-Options: DENY added here would override its frame-ancestors.
 */
export function useSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      response.headers.set('X-Content-Type-Options', 'nosniff');
      if (response.headers.has('Content-Security-Policy')) return;
      response.headers.set('X-Frame-Options', 'DENY');
      if (response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('Content-Security-Policy', GRAPHIQL_CONTENT_SECURITY_POLICY);
      }
    },
  };
}

async function loadAssets(): Promise<Map<string, Asset>> {
  const built = await import('@graphql-yoga/render-graphiql/graphiql');
  const js = 'text/javascript; charset=utf-8';
  return new Map<string, Asset>([
    ['boot.js', { type: js, body: BOOT_SCRIPT }],
    ['graphiql.js', { type: js, body: built.js }],
    ['graphiql.css', { type: 'text/css; charset=utf-8', body: built.css }],
    ['editor.worker.js', { type: js, body: built.editorWorkerService }],
    ['json.worker.js', { type: js, body: built.jsonWorker }],
    ['graphql.worker.js', { type: js, body: built.graphqlWorker }],
    ['favicon.ico', { type: 'image/x-icon', body: new Uint8Array(Buffer.from(built.favicon.slice(built.favicon.indexOf(',') + 1), 'base64')) }],
  ]);
}
