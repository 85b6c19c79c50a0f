// The echo challenge of `createEndpoint(verify: true)`: GET url?echo_string=<random> must answer
// 200 with exactly that string. It goes through the same address policy as deliveries, checked on
// the resolved address at connect time, so verification cannot be used to probe internal hosts.
import { randomBytes } from 'node:crypto';
import got, { AbortError, RequestError } from 'got';
import { createCheckedLookup } from './checked-lookup.ts';
import type { PrivateNetworks } from '../engine/address-policy.ts';

export type EndpointVerifier = (url: string) => Promise<{ ok: true } | { ok: false; reason: string }>;

/** Enough for the echo string; a longer answer is wrong anyway. */
const MAX_ANSWER_BYTES = 1024;

export function createEndpointVerifier(options: { timeoutMs: number; allowPrivateNetworks: PrivateNetworks; userAgent: string }): EndpointVerifier {
  const dnsLookup = createCheckedLookup({ allowPrivateNetworks: options.allowPrivateNetworks });
  return async (url) => {
    const challenge = randomBytes(24).toString('base64url');
    const target = new URL(url);
    target.searchParams.set('echo_string', challenge);
    try {
      const tooLong = new AbortController();
      const request = got(target, {
        signal: tooLong.signal,
        method: 'GET',
        dnsLookup,
        timeout: { request: options.timeoutMs },
        retry: { limit: 0 },
        followRedirect: false,
        throwHttpErrors: false,
        decompress: false,
        headers: { 'user-agent': options.userAgent, accept: 'text/plain' },
        responseType: 'text',
      });
      request.on('downloadProgress', (progress) => {
        if (progress.transferred > MAX_ANSWER_BYTES) tooLong.abort();
      });
      const response = await request;
      if (response.statusCode !== 200) return { ok: false, reason: `expected status 200, got ${response.statusCode}` };
      // A single trailing newline is tolerated: many frameworks add one to plain-text answers.
      const body = response.body.endsWith('\n') ? response.body.slice(0, -1) : response.body;
      if (body !== challenge) return { ok: false, reason: 'the answer was not the echo_string' };
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: describeFailure(error, options.timeoutMs) };
    }
  };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof AbortError) return `the answer was longer than ${MAX_ANSWER_BYTES} bytes`;
  if (error instanceof RequestError) {
    if (error.code === 'ETIMEDOUT') return `no answer within ${timeoutMs} ms`;
    if (error.code === 'EHERALDBLOCKED') return error.message;
    if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return 'the host name does not resolve';
    if (error.code === 'ECONNREFUSED') return 'connection refused';
    return `request failed (${error.code ?? 'error'})`;
  }
  return 'request failed';
}
