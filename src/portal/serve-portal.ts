// The webhooks portal (the SPA built into portal/dist by `npm run portal:build`) on /portal/ of
// the API process. Static files only: the page talks to /graphql with its session token, which
// arrives in the URL fragment and so never reaches this server or its logs.
//
// Its Content-Security-Policy is its own: scripts from this origin only, no framing unless
// HERALD_PORTAL_FRAME_ANCESTORS names who may embed it. X-Frame-Options is sent only when nobody
// may frame it, since a browser that honours X-Frame-Options ignores frame-ancestors.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Plugin } from 'graphql-yoga';

export const PORTAL_PATH = '/portal/';
/** Where Vite writes the build (portal/vite.config.ts, base /portal/). */
export const DEFAULT_PORTAL_DIR = resolve(import.meta.dirname, '../../portal/dist');
const ASSETS = 'assets/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface PortalOptions {
  /** The built SPA; default portal/dist. */
  dir?: string;
  /** Origins that may frame the portal; empty: none. */
  frameAncestors: readonly string[];
  /** HERALD_PUBLIC_URL, whose host the page may reach over WebSocket too. */
  publicUrl?: string | undefined;
}

/**
 * The portal's Content-Security-Policy, the same for every request: built from configuration, never
 * from the request's Host, which whoever sends the request chooses. graphql-ws: CSP Level 3
 * browsers let `'self'` cover the page's own ws:/wss: origin; HERALD_PUBLIC_URL's socket origin is
 * named too, for the browsers that do not.
 */
export function portalContentSecurityPolicy(options: Pick<PortalOptions, 'frameAncestors' | 'publicUrl'>): string {
  const sockets: string[] = [];
  if (options.publicUrl) {
    const url = new URL(options.publicUrl);
    sockets.push(`${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...sockets].join(' '),
    `frame-ancestors ${options.frameAncestors.length > 0 ? options.frameAncestors.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The file a path below /portal/ names inside `dir`, or null when the path tries to leave it (`..`
 * segments, encoded slashes or backslashes, NUL) or names a dot file. Pure.
 */
export function portalFile(dir: string, relativePath: string): string | null {
  const segments: string[] = [];
  for (const raw of relativePath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '') continue;
    if (segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  const root = resolve(dir);
  const file = join(root, ...segments);
  return file === root || file.startsWith(root + sep) ? file : null;
}

function securityHeaders(options: PortalOptions): Headers {
  const headers = new Headers({
    'Content-Security-Policy': portalContentSecurityPolicy(options),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
  if (options.frameAncestors.length === 0) headers.set('X-Frame-Options', 'DENY');
  return headers;
}

async function readIfFile(file: string): Promise<Buffer | null> {
  try {
    if (!(await stat(file)).isFile()) return null;
    return await readFile(file);
  } catch {
    return null;
  }
}

/** Serves GET and HEAD under /portal/; `index.html` for the page and for any path the SPA routes itself. */
export function usePortal(options: PortalOptions): Plugin {
  const dir = resolve(options.dir ?? DEFAULT_PORTAL_DIR);
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === '/portal') {
        // Browsers keep the fragment (#token=…) across the redirect.
        return endResponse(new Response(null, { status: 308, headers: { location: `${PORTAL_PATH}${url.search}` } }));
      }
      if (!url.pathname.startsWith(PORTAL_PATH)) return;
      const headers = securityHeaders(options);
      const answer = (status: number, body: Buffer | string | null, type: string, cache: string) => {
        headers.set('content-type', type);
        headers.set('cache-control', cache);
        const payload = request.method === 'HEAD' || body === null ? null : typeof body === 'string' ? body : new Uint8Array(body);
        return endResponse(new Response(payload, { status, headers }));
      };
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        headers.set('allow', 'GET, HEAD');
        return answer(405, 'method not allowed', 'text/plain; charset=utf-8', 'no-store');
      }
      const index = await readIfFile(join(dir, 'index.html'));
      if (!index) {
        return answer(
          503,
          '<!doctype html><meta charset="utf-8"><title>Portal not built</title><p>The webhooks portal is not built. Run <code>npm run portal:build</code> and reload.</p>',
          'text/html; charset=utf-8',
          'no-store',
        );
      }
      const relative = url.pathname.slice(PORTAL_PATH.length);
      const file = portalFile(dir, relative);
      if (file === null) return answer(400, 'bad path', 'text/plain; charset=utf-8', 'no-store');
      const body = relative === '' || relative === 'index.html' ? null : await readIfFile(file);
      if (body) {
        // Vite names assets by their content hash: they never change under the same name.
        const cache = relative.startsWith(ASSETS) ? 'public, max-age=31536000, immutable' : 'no-cache';
        return answer(200, body, CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', cache);
      }
      // A missing hashed asset is a 404 (an old page asking for a replaced bundle), not the page.
      if (relative.startsWith(ASSETS)) return answer(404, 'not found', 'text/plain; charset=utf-8', 'no-store');
      return answer(200, index, CONTENT_TYPES['.html']!, 'no-cache');
    },
  };
}
