// Herald parses POST bodies itself, and only after the caller's key is known. The key comes from a
// header, so it is checked before one byte of the body is read: a caller without a valid key may
// send at most ANONYMOUS_MAX_REQUEST_BYTES (room for GraphiQL's introspection query, which needs
// no key), and a larger declared body is answered UNAUTHENTICATED at once, unread (the pen test
// had 4 keyless 24 MB bodies parsed at once). With a key, the limit is what the key may do: a key
// that may publish (the `events:publish` scope, or an admin key) may send HERALD_MAX_REQUEST_BYTES,
// room for `publishEvents` of 100 events; any other key, portal sessions and read-only keys
// included, HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH, room for its largest request (a read-only
// key's 27 MB `testFilter` once held the API for 23 s and 4 GB). The declared Content-Length is
// checked against the limit, then the bytes are counted as they stream and reading stops at it. Only JSON bodies are accepted: besides being the API's format, a JSON content type
// cannot be sent cross-site by a browser without a CORS preflight (CSRF protection for free).
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Principal } from './context.ts';

/** GraphiQL's introspection query is about 2 KiB. */
export const ANONYMOUS_MAX_REQUEST_BYTES = 16 * 1024;

export interface RequestLimits {
  /** For keys that may publish. */
  maxRequestBytes: number;
  /** For every other key. */
  maxRequestBytesWithoutPublish: number;
  /** The request's caller from its Authorization header, looked up once per request. */
  principalOf(request: Request): Promise<Principal | null>;
}

/** The body a caller may send, and the variable that sets it; null without a valid key. */
export function requestLimitOf(principal: Principal | null, limits: Omit<RequestLimits, 'principalOf'>): { bytes: number; variable: string } | null {
  if (principal === null) return null;
  const mayPublish = principal.kind === 'admin' || principal.scopes.has('events:publish');
  return mayPublish
    ? { bytes: limits.maxRequestBytes, variable: 'HERALD_MAX_REQUEST_BYTES' }
    : { bytes: limits.maxRequestBytesWithoutPublish, variable: 'HERALD_MAX_REQUEST_BYTES_WITHOUT_PUBLISH' };
}

export function useRequestLimits({ principalOf, ...limits }: RequestLimits): Plugin {
  return {
    async onRequestParse({ request, setRequestParser }) {
      if (request.method !== 'POST') return;
      const contentType = request.headers.get('content-type') ?? '';
      if (!/^application\/(graphql-response\+)?json\b/i.test(contentType)) {
        throw httpError(415, 'POST requests must have Content-Type: application/json.');
      }
      const declared = Number(request.headers.get('content-length') ?? NaN);
      const keyed = requestLimitOf(await principalOf(request), limits);
      if (keyed === null && declared > ANONYMOUS_MAX_REQUEST_BYTES) throw unauthenticated();
      const limit = keyed?.bytes ?? ANONYMOUS_MAX_REQUEST_BYTES;
      const overLimit = () => (keyed ? tooLarge(keyed.bytes, keyed.variable) : anonymousTooLarge());
      if (declared > limit) throw overLimit();
      setRequestParser(async (req) => {
        const text = await readLimited(req, limit, overLimit);
        try {
          return JSON.parse(text);
        } catch {
          throw httpError(400, 'The request body is not valid JSON.');
        }
      });
    },
  };
}

async function readLimited(request: Request, limit: number, overLimit: () => Error): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw overLimit();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function unauthenticated() {
  return createGraphQLError(`A valid API key is required for a request body over ${ANONYMOUS_MAX_REQUEST_BYTES} bytes: send Authorization: Bearer <key>.`, {
    extensions: { http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } }, code: 'UNAUTHENTICATED' },
  });
}

function tooLarge(limit: number, variable: string) {
  const why = variable === 'HERALD_MAX_REQUEST_BYTES' ? '' : ', the most a key without the events:publish scope may send';
  return httpError(413, `The request body is larger than ${limit} bytes (${variable})${why}.`);
}

function anonymousTooLarge() {
  return httpError(413, `The request body is larger than ${ANONYMOUS_MAX_REQUEST_BYTES} bytes, the most a request without a valid API key may send.`);
}

function httpError(status: number, message: string) {
  return createGraphQLError(message, { extensions: { http: { status }, code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } });
}
