// A real SSE client for GraphQL subscriptions over HTTP (Yoga's `Accept: text/event-stream`), reading
// the response body as it arrives, as a browser's EventSource would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHeraldYoga, type HeraldYoga } from '../../src/graphql/yoga.ts';
import { silentLogger } from '../../src/log.ts';
import type { AppServices } from '../../src/services.ts';

export interface SseStream {
  /** Everything received so far. */
  text(): string;
  /** Resolves when the server ends the response (true) or the client aborted (false). */
  ended: Promise<boolean>;
  close(): void;
}

export function openSse(url: string, key: string, query = 'subscription { deliveryUpdated { id status } }'): SseStream {
  const controller = new AbortController();
  let received = '';
  const ended = (async () => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        signal: controller.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query }),
      });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        received += decoder.decode(value, { stream: true });
      }
    } catch {
      return false;
    }
  })();
  return { text: () => received, ended, close: () => controller.abort() };
}

/** The API on a real port of 127.0.0.1, with its own key-check interval for SSE streams. */
export async function listenForSse(services: AppServices, keyCheckMs?: number): Promise<{ url: string; yoga: HeraldYoga; close(): Promise<void> }> {
  const yoga = createHeraldYoga({ services, log: silentLogger, isReady: async () => true, ...(keyCheckMs ? { keyCheckMs } : {}) });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    yoga,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await yoga.dispose();
    },
  };
}
