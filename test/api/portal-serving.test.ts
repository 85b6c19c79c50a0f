// De-risks serving the portal from the API process: the built SPA under /portal/ with its own
// Content-Security-Policy (framing only by configured origins), the SPA's routes answered with
// index.html, caching that suits hashed assets, no file outside the build reachable by any
// spelling of `..`, and a plain 503 until the portal is built.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeraldYoga, type HeraldYoga } from '../../src/graphql/yoga.ts';
import { silentLogger } from '../../src/log.ts';
import { portalFile } from '../../src/portal/serve-portal.ts';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

let herald: TestHerald;
let built: string;
const INDEX = '<!doctype html><title>Webhooks</title><div id="root"></div><script type="module" src="/portal/assets/index-Ab12Cd.js"></script>';

beforeAll(async () => {
  herald = await startTestHerald();
  built = mkdtempSync(join(tmpdir(), 'herald-portal-'));
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), INDEX);
  writeFileSync(join(built, 'assets', 'index-Ab12Cd.js'), 'console.log("portal")');
  writeFileSync(join(built, 'assets', 'index-Ef34Gh.css'), 'body{}');
  writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(built, '.env'), 'SECRET=1');
});
afterAll(() => herald?.close());

function portalYoga(options: { dir?: string; frameAncestors?: string[]; publicUrl?: string } = {}): HeraldYoga {
  const config = { ...herald.config, portalFrameAncestors: options.frameAncestors ?? [], publicUrl: options.publicUrl };
  return createHeraldYoga({ services: { ...herald.services, config }, log: silentLogger, isReady: async () => true, portalDir: options.dir ?? built });
}

const get = (yoga: HeraldYoga, path: string, init: RequestInit = {}) => yoga.fetch(`http://herald.test${path}`, init);

describe('the portal on /portal/', () => {
  it('serves index.html with a strict CSP of its own, not framable by default', async () => {
    const response = await get(portalYoga(), '/portal/');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(INDEX);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('builds its CSP from configuration, never from the request’s Host', async () => {
    const yoga = portalYoga({ publicUrl: 'https://hooks.example.com' });
    const policies = await Promise.all(
      ['http://herald.test/portal/', 'http://attacker.example/portal/'].map(async (url) => (await yoga.fetch(url, { headers: { host: 'attacker.example' } })).headers.get('content-security-policy')),
    );
    expect(policies[0]).toBe(policies[1]);
    expect(policies[0]).not.toMatch(/attacker|herald\.test/);
  });

  it('may be framed by the configured origins, and then sends no X-Frame-Options', async () => {
    const yoga = portalYoga({ frameAncestors: ['https://app.example.com', 'https://admin.example.com'], publicUrl: 'https://hooks.example.com' });
    const response = await get(yoga, '/portal/');
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain('frame-ancestors https://app.example.com https://admin.example.com;');
    expect(policy).toContain("connect-src 'self' wss://hooks.example.com;");
    expect(response.headers.get('x-frame-options')).toBeNull();
    // The rest of the API keeps its own headers.
    const health = await get(yoga, '/health');
    expect(health.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers the SPA’s own routes with index.html, and assets with their types and a long cache', async () => {
    const yoga = portalYoga();
    for (const path of ['/portal/endpoints/ep_123', '/portal/index.html', '/portal/deliveries?status=FAILED']) {
      const response = await get(yoga, path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe(INDEX);
    }
    const script = await get(yoga, '/portal/assets/index-Ab12Cd.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe('console.log("portal")');
    expect((await get(yoga, '/portal/assets/index-Ef34Gh.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const icon = await get(yoga, '/portal/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
    // A missing hashed asset is not the page.
    expect((await get(yoga, '/portal/assets/index-Old999.js')).status).toBe(404);
    const redirect = await get(yoga, '/portal', { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/portal/');
    expect((await get(yoga, '/portal/', { method: 'POST' })).status).toBe(405);
    const head = await get(yoga, '/portal/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses every spelling of a path out of the build', async () => {
    const yoga = portalYoga();
    for (const path of [
      '/portal/..%2f..%2fpackage.json',
      '/portal/..%2F..%2F..%2Fpackage.json',
      '/portal/%2e%2e%2f%2e%2e%2fpackage.json',
      '/portal/..%5c..%5cpackage.json',
      '/portal/assets/..%2f..%2f..%2fpackage.json',
      '/portal/.env',
      '/portal/%2eenv',
      '/portal/index.html%00.js',
      '/portal/%E0%A4%A',
    ]) {
      const response = await get(yoga, path);
      const text = await response.text();
      expect(response.status, path).toBe(400);
      expect(text, path).not.toContain('"name"');
      expect(text, path).not.toContain('SECRET');
    }
    // Dot segments the URL parser resolves leave /portal/ altogether: no file of the build, nor of the repository.
    for (const path of ['/portal/../../package.json', '/portal/%2e%2e/%2e%2e/package.json', '/portal/assets/../../../package.json']) {
      const response = await get(yoga, path);
      expect(await response.text(), path).not.toContain('"name"');
    }
    // And sent as raw bytes over a real socket.
    const server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      for (const path of ['/portal/../../package.json', '/portal/..%2f..%2fpackage.json', '/portal/%2e%2e/%2e%2e/package.json', '/portal/..\\..\\package.json']) {
        const { status, body } = await rawGet((server.address() as AddressInfo).port, path);
        expect(body, path).not.toContain('"name"');
        expect(status, path).not.toBe(200);
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps the resolved file inside the build (the pure check)', () => {
    expect(portalFile('/srv/dist', 'assets/app.js')).toBe('/srv/dist/assets/app.js');
    expect(portalFile('/srv/dist', '')).toBe('/srv/dist');
    for (const path of ['..', '../x', 'a/../../x', '..%2fx', '%2e%2e/x', 'a%5c..%5c..%5cx', '.git/config', 'x%00', '%E0%A4%A']) {
      expect(portalFile('/srv/dist', path), path).toBeNull();
    }
  });

  it('answers a plain 503 until the portal is built', async () => {
    const yoga = portalYoga({ dir: mkdtempSync(join(tmpdir(), 'herald-portal-empty-')) });
    for (const path of ['/portal/', '/portal/endpoints']) {
      const response = await get(yoga, path);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run portal:build');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    // The API itself is unaffected.
    expect((await get(yoga, '/health')).status).toBe(200);
  });
});

function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
