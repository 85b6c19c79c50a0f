// Yoga reads JSON bodies without a size limit, so Herald parses POST bodies itself: the declared
// Content-Length is checked first, then the bytes are counted as they stream, and reading stops at
// the limit. Only JSON bodies are accepted: besides being the API's format, a JSON content type
// cannot be sent cross-site by a browser without a CORS preflight (CSRF protection for free).
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export function useRequestLimits(maxRequestBytes: number): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method !== 'POST') return;
      const contentType = request.headers.get('content-type') ?? '';
      if (!/^application\/(graphql-response\+)?json\b/i.test(contentType)) {
        throw httpError(415, 'POST requests must have Content-Type: application/json.');
      }
      const declared = Number(request.headers.get('content-length') ?? NaN);
      if (declared > maxRequestBytes) throw tooLarge(maxRequestBytes);
      setRequestParser(async (req) => {
        const text = await readLimited(req, maxRequestBytes);
        try {
          return JSON.parse(text);
        } catch {
          throw httpError(400, 'The request body is not valid JSON.');
        }
      });
    },
  };
}

async function readLimited(request: Request, limit: number): Promise<string> {
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
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(limit: number) {
  return httpError(413, `The request body is larger than ${limit} bytes (HERALD_MAX_REQUEST_BYTES).`);
}

function httpError(status: number, message: string) {
  return createGraphQLError(message, { extensions: { http: { status }, code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } });
}
