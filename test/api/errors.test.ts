// The errors an integrator acts on: a query over a shape limit answers QUERY_TOO_COMPLEX with what
// was measured and the limit; field suggestions help outside production and are hidden in it; a
// missing, malformed or unknown key answers UNAUTHENTICATED with a message saying which.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../support/herald.ts';

let development: TestHerald;
let production: TestHerald;
let key: string;

beforeAll(async () => {
  [development, production] = await Promise.all([startTestHerald({ nodeEnv: 'development' }), startTestHerald({ nodeEnv: 'production' })]);
  key = (await development.organization('errors-co')).key;
});
afterAll(() => Promise.all([development?.close(), production?.close()]));

interface Problem {
  message: string;
  extensions?: Record<string, unknown>;
}

async function post(herald: TestHerald, query: string, authorization?: string): Promise<{ status: number; data?: unknown; errors?: Problem[] }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  const response = await herald.yoga.fetch('http://herald.test/graphql', { method: 'POST', headers, body: JSON.stringify({ query }) });
  return { status: response.status, ...((await response.json()) as object) };
}

const COSTLY = `{ ${Array.from({ length: 14 }, (_, i) => `e${i}: endpoints(first: 100) { edges { node { id name url eventTypes projects headers { name value } } } }`).join(' ')} }`;

describe('query limits', () => {
  it('answers a costly query QUERY_TOO_COMPLEX with its cost and the limit, not a syntax error', async () => {
    const response = await post(development, COSTLY, `Bearer ${key}`);
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors!;
    expect(error!.message).not.toMatch(/syntax/i);
    expect(error!.message).toMatch(/^This query's cost is [\d.]+, over the limit of 5000: ask for fewer items/);
    expect(error!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'cost', limit: 5000 });
    expect(error!.extensions!.cost).toBeGreaterThan(5000);
    expect(response.data).toBeUndefined();
  });

  it('answers an over-deep query QUERY_TOO_COMPLEX with its depth and the limit', async () => {
    const deep = `{ viewer { ${'__typename ... on Organization { '.repeat(15)} slug ${'}'.repeat(15)} } }`;
    const [error] = (await post(development, deep, `Bearer ${key}`)).errors!;
    expect(error!.message).not.toMatch(/syntax/i);
    expect(error!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'depth', limit: 12 });
    expect(error!.extensions!.depth).toBeGreaterThan(12);
  });

  it('answers too many aliases QUERY_TOO_COMPLEX with their count and the limit', async () => {
    const wide = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { slug }`).join(' ')} }`;
    const [error] = (await post(development, wide, `Bearer ${key}`)).errors!;
    expect(error!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'aliases', aliases: 20, limit: 15 });
  });

  it('lets a query within the limits through', async () => {
    const response = await post(development, '{ viewer { slug } }', `Bearer ${key}`);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ viewer: { slug: 'errors-co' } });
  });
});

describe('field suggestions', () => {
  it('suggests the field meant outside production', async () => {
    const [error] = (await post(development, '{ viewr { slug } }', `Bearer ${key}`)).errors!;
    expect(error!.message).toBe('Cannot query field "viewr" on type "Query". Did you mean "viewer"?');
    expect(error!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('hides suggestions in production, so a prober cannot map the schema', async () => {
    const [error] = (await post(production, '{ viewr { slug } }')).errors!;
    expect(error!.message).not.toMatch(/did you mean/i);
    expect(error!.message).not.toMatch(/"viewer"/);
    expect(error!.message).toMatch(/^Cannot query field "viewr" on type "Query"/);
  });
});

describe('why a request is unauthenticated', () => {
  const VIEWER = '{ viewer { slug } }';

  async function refusal(authorization?: string, herald = development): Promise<Problem> {
    const response = await post(herald, VIEWER, authorization);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    return response.errors![0]!;
  }

  it('says no key was sent', async () => {
    expect((await refusal()).message).toBe('No API key was sent: send the header Authorization: Bearer <key>.');
    expect((await refusal('')).message).toMatch(/^No API key was sent/);
  });

  it('says the header is not a bearer key', async () => {
    for (const header of ['Basic dXNlcjpwYXNz', key, 'Bearer', `Bearer ${key} extra`, `Token ${key}`]) {
      expect((await refusal(header)).message, header).toMatch(/^The Authorization header is not a bearer key: send Authorization: Bearer <key>/);
    }
  });

  it('says the key is not known', async () => {
    expect((await refusal('Bearer hrld_org_notakey')).message).toMatch(/^This API key is not known to this Herald/);
    // A real key of another server (its database) is unknown here too.
    expect((await refusal(`Bearer ${key}`, production)).message).toMatch(/^This API key is not known to this Herald/);
  });

  it('says the key was revoked, and keeps the reason', async () => {
    const org = await development.organization('revoked-errors-co');
    const row = await development.db.apiKey.findFirstOrThrow({ where: { organizationId: org.id } });
    await development.db.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    const error = await refusal(`Bearer ${org.key}`);
    expect(error.message).toBe('This key was revoked.');
    expect(error.extensions).toMatchObject({ reason: 'REVOKED' });
  });

  it('gives the same messages in production', async () => {
    expect((await refusal(undefined, production)).message).toMatch(/^No API key was sent/);
    expect((await refusal('Basic x', production)).message).toMatch(/^The Authorization header is not a bearer key/);
  });
});
