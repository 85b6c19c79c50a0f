// De-risks the `herald` command as an operator uses it: real child processes against a real
// database — migrate, organizations, keys (printed alone on stdout for scripts), event types,
// configuration errors, and `herald api` serving probes and draining on SIGTERM.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { authenticate, createOrganizationKey } from '../../src/api-keys/api-keys.ts';
import { createOrganization } from '../../src/organizations/organizations.ts';
import { waitFor } from '../support/wait.ts';
import { createTestDatabase } from '../support/database.ts';
import { runHerald } from '../support/cli.ts';
import { startHeraldProcess } from '../support/herald-process.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url, HERALD_DATA_DIR: mkdtempSync(join(tmpdir(), 'herald-cli-')) };
});
afterAll(() => database.drop());

describe('herald CLI', () => {
  it('migrates (nothing to do on a migrated database)', async () => {
    const result = await runHerald(['migrate'], env);
    expect(result.code).toBe(0);
  });

  it('creates an organization and a key printed alone on stdout', async () => {
    const org = await runHerald(['org', 'create', 'cli-co', '--name', 'CLI Co'], env);
    expect(org.code).toBe(0);
    expect(org.stdout).toBe('cli-co\n');
    const key = await runHerald(['key', 'create', '--org', 'cli-co', '--scope', 'endpoints:read', '--scope', 'events:read'], env);
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/^hrld_org_\S+\n$/);
    const principal = await authenticate(database.prisma, key.stdout.trim());
    expect(principal).toMatchObject({ kind: 'organization' });
    expect(principal?.kind === 'organization' && [...principal.scopes].sort()).toEqual(['endpoints:read', 'events:read']);
  });

  it('creates an admin key', async () => {
    const result = await runHerald(['admin-key', 'create'], env);
    expect(result.code).toBe(0);
    expect(await authenticate(database.prisma, result.stdout.trim())).toMatchObject({ kind: 'admin' });
  });

  it('adds an event type with a JSON Schema from a file', async () => {
    const file = join(env.HERALD_DATA_DIR!, 'schema.json');
    writeFileSync(file, JSON.stringify({ type: 'object', properties: { total: { type: 'number' } } }));
    const result = await runHerald(['event-type', 'create', 'invoice.paid', '--description', 'Paid', '--schema', file], env);
    expect(result.code).toBe(0);
    const row = await database.prisma.eventType.findUniqueOrThrow({ where: { name: 'invoice.paid' } });
    expect(row).toMatchObject({ description: 'Paid', schema: { type: 'object' } });
  });

  it('prints a portal link alone on stdout, naming HERALD_PUBLIC_URL, read-only and expiring as asked', async () => {
    const before = Date.now();
    const result = await runHerald(['portal-link', '--org', 'cli-co', '--read-only', '--expires', '2h'], { ...env, HERALD_PUBLIC_URL: 'https://hooks.example.com' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^https:\/\/hooks\.example\.com\/portal\/#token=hrld_portal_[0-9A-Za-z]{43}\n$/);
    const token = result.stdout.trim().split('#token=')[1]!;
    const principal = await authenticate(database.prisma, token);
    expect(principal?.kind === 'organization' && [...principal.scopes]).toEqual(['endpoints:read', 'events:read', 'deliveries:read']);
    const expiresAt = principal?.kind === 'organization' ? principal.session!.expiresAt.getTime() : 0;
    expect(expiresAt - before).toBeGreaterThan(7_190_000);
    expect(expiresAt - before).toBeLessThan(7_300_000);
    // Without HERALD_PUBLIC_URL the link names this machine's port; the default lifetime is an hour.
    const local = await runHerald(['portal-link', '--org', 'cli-co'], { ...env, PORT: '4123' });
    expect(local.stdout).toMatch(/^http:\/\/localhost:4123\/portal\/#token=hrld_portal_\S+\n$/);
    // Without --scope, what the portal uses and never events:publish; named, it is given.
    const plain = await authenticate(database.prisma, local.stdout.trim().split('#token=')[1]!);
    expect(plain?.kind === 'organization' && [...plain.scopes]).toEqual(['endpoints:read', 'endpoints:write', 'events:read', 'deliveries:read', 'deliveries:write']);
    const publishing = await runHerald(['portal-link', '--org', 'cli-co', '--scope', 'events:publish', '--scope', 'endpoints:read'], env);
    const publisher = await authenticate(database.prisma, publishing.stdout.trim().split('#token=')[1]!);
    expect(publisher?.kind === 'organization' && [...publisher.scopes]).toEqual(['endpoints:read', 'events:publish']);
  });

  it.each([
    ['a portal link past 24 hours', ['portal-link', '--org', 'cli-co', '--expires', '25h'], /expiresInSeconds/],
    ['a portal link with a bad duration', ['portal-link', '--org', 'cli-co', '--expires', 'soon'], /--expires/],
    ['a portal link for an unknown organization', ['portal-link', '--org', 'nobody'], /no organization with slug "nobody"/],
    ['an unknown organization', ['key', 'create', '--org', 'nobody'], /no organization with slug "nobody"/],
    ['an unknown scope', ['key', 'create', '--org', 'cli-co', '--scope', 'root'], /scopes/],
    ['a bad slug', ['org', 'create', 'Bad Slug'], /slug/],
    ['an unknown command', ['frobnicate'], /unknown command/],
  ])('fails with one clear line and exit 2 on %s', async (_label, args, message) => {
    const result = await runHerald(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(message);
  });

  it('stops with one line naming the variable when the configuration is bad', async () => {
    const result = await runHerald(['migrate'], { ...env, HERALD_DELIVERY_TIMEOUT: 'soon' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/HERALD_DELIVERY_TIMEOUT/);
  });

  it('serves the API with probes, then drains and exits 0 on SIGTERM', async () => {
    const api = await startHeraldProcess('api', env);
    const base = api.origin;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE herald_deliveries_total counter$/m);
    expect(text).toMatch(/^herald_open_subscriptions 0$/m);
    const graphql = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { slug } }' }),
    });
    expect(((await graphql.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    // The portal is served by the API process (its page when built, the 503 page until then), under its own policy.
    const portal = await fetch(`${base}/portal/`);
    expect([200, 503]).toContain(portal.status);
    expect(portal.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    // A live graphql-ws subscription is closed with 1001 (going away) by the drain.
    const organization = await createOrganization(database.prisma, { slug: 'socket-co' });
    const { token } = await createOrganizationKey(database.prisma, { organizationId: organization.id });
    let closeCode: number | undefined;
    const socketClient = createClient({
      url: `ws://127.0.0.1:${api.port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      on: { closed: (event) => void (closeCode = (event as { code: number }).code) },
    });
    let subscribed = false;
    socketClient.subscribe({ query: 'subscription { deliveryUpdated { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    socketClient.on('connected', () => void (subscribed = true));
    await waitFor(async () => subscribed, 'the socket to connect');

    expect(await api.stop()).toBe(0);
    await waitFor(async () => closeCode !== undefined, 'the socket to close');
    expect(closeCode).toBe(1001);
    await socketClient.dispose();
  });
});
