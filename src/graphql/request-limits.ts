// Herald parses POST bodies itself, and only after the caller's key is known. The key comes from a
// header, so it is checked before one byte of the body is read: a caller without a valid key may
// send at most ANONYMOUS_MAX_REQUEST_BYTES (room for GraphiQL's introspection query, which needs
// no key), and a larger declared body is answered UNAUTHENTICATED at once, unread (the pen test
// had 4 keyless 24 MB bodies parsed at once). With a key, the declared Content-Length is checked
// against HERALD_MAX_REQUEST_BYTES, then the bytes are counted as they stream and reading stops at
// the limit. Only JSON bodies are accepted: besides being the API's format, a JSON content type
// cannot be sent cross-site by a browser without a CORS preflight (CSRF protection for free).
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Principal } from './context.ts';

/** GraphiQL's introspection query is about 2 KiB. */
export const ANONYMOUS_MAX_REQUEST_BYTES = 16 * 1024;

export interface RequestLimits {
  maxRequestBytes: number;
  /** The request's caller from its Authorization header, looked up once per request. */
  principalOf(request: Request): Promise<Principal | null>;
}

export function useRequestLimits({ maxRequestBytes, principalOf }: RequestLimits): Plugin {
  return {
    async onRequestParse({ request, setRequestParser }) {
      if (request.method !== 'POST') return;
      const contentType = request.headers.get('content-type') ?? '';
      if (!/^application\/(graphql-response\+)?json\b/i.test(contentType)) {
        throw httpError(415, 'POST requests must have Content-Type: application/json.');
      }
      const declared = Number(request.headers.get('content-length') ?? NaN);
      const anonymous = (await principalOf(request)) === null;
      if (anonymous && declared > ANONYMOUS_MAX_REQUEST_BYTES) throw unauthenticated();
      const limit = anonymous ? ANONYMOUS_MAX_REQUEST_BYTES : maxRequestBytes;
      if (declared > limit) throw tooLarge(limit);
      setRequestParser(async (req) => {
        const text = await readLimited(req, limit, () => (anonymous ? anonymousTooLarge() : tooLarge(limit)));
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

function tooLarge(limit: number) {
  return httpError(413, `The request body is larger than ${limit} bytes (HERALD_MAX_REQUEST_BYTES).`);
}

function anonymousTooLarge() {
  return httpError(413, `The request body is larger than ${ANONYMOUS_MAX_REQUEST_BYTES} bytes, the most a request without a valid API key may send.`);
}

function httpError(status: number, message: string) {
  return createGraphQLError(message, { extensions: { http: { status }, code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } });
}
