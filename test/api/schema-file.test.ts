// De-risks a stale contract: schema.graphql is what the code prints, byte for byte. Run
// `npm run schema:print` after changing the schema.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printHeraldSchema } from '../../src/graphql/schema.ts';

describe('schema.graphql', () => {
  it('matches the schema printed from the code', () => {
    const checkedIn = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(checkedIn, 'schema.graphql is stale: run npm run schema:print').toBe(printHeraldSchema());
  });

  it('follows the SPEC conventions: results are unions with typed errors implementing Error', () => {
    const sdl = printHeraldSchema();
    expect(sdl).toMatch(/union CreateEndpointResult = CreateEndpointPayload \| EndpointVerificationError \| LimitExceededError \| ValidationError/);
    expect(sdl).toMatch(/type ValidationError implements Error/);
    expect(sdl).toMatch(/createEndpoint\(\s*("""[^"]*"""\s*)?input: CreateEndpointInput!\s*\): CreateEndpointResult!/);
    expect(sdl).toMatch(/edges: \[EndpointEdge!\]!/);
  });
});
