// The benchmark's webhook receivers, in a process of their own so their CPU is not the
// orchestrator's. One HTTP server; each endpoint is a path. While a storm is on, paths under /fail/
// answer 503 and paths under /hang/ never answer (Herald's timeout ends those attempts). Every receipt is recorded: the webhook-id (for loss and duplicate counts) and the
// latency from the publish call's start (`data.sentAt`, stamped by the publisher) to receipt.
// Controlled over the IPC channel of child_process.fork.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceiverCommand =
  | { type: 'reset' }
  | { type: 'storm'; untilMs: number }
  | { type: 'stats'; samples: boolean; pathPrefix?: string };

export interface ReceiverStats {
  received: number;
  unique: number;
  duplicates: number;
  /** When the first and the latest new webhook-id arrived (wall-clock ms; 0 before any). */
  firstAtMs: number;
  lastAtMs: number;
  /** [receivedAtMs, latencyMs, healthy (1) or storm path (0)] per first receipt (only those at paths under `pathPrefix` when asked so). */
  samples: Array<[number, number, number]>;
}

let seen = new Set<string>();
let received = 0;
let samples: Array<[number, number, number]> = [];
/** The path each of `samples` arrived at, index for index: one receiver serves several organizations' endpoints. */
let samplePaths: string[] = [];
let stormUntilMs = 0;
let firstAtMs = 0;
let lastAtMs = 0;

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const receivedAt = performance.timeOrigin + performance.now();
    const path = request.url ?? '/';
    const failing = path.startsWith('/fail/') || path.startsWith('/hang/');
    if (failing && receivedAt < stormUntilMs) {
      if (path.startsWith('/fail/')) response.writeHead(503).end('storm');
      return;
    }
    received++;
    const key = `${request.headers['webhook-id']}${path}`;
    if (seen.has(key)) {
      response.end('duplicate');
      return;
    }
    seen.add(key);
    if (firstAtMs === 0) firstAtMs = receivedAt;
    lastAtMs = receivedAt;
    try {
      const sentAt = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { sentAt?: number } }).data?.sentAt;
      if (typeof sentAt === 'number') {
        samples.push([receivedAt, receivedAt - sentAt, failing ? 0 : 1]);
        samplePaths.push(path);
      }
    } catch {
      // The ceiling scenario's bodies are Herald envelopes too; anything else is not sampled.
    }
    response.end('ok');
  });
});
server.keepAliveTimeout = 60_000;

process.on('message', (command: ReceiverCommand) => {
  switch (command.type) {
    case 'reset':
      seen = new Set();
      received = 0;
      samples = [];
      samplePaths = [];
      stormUntilMs = 0;
      firstAtMs = 0;
      lastAtMs = 0;
      process.send!({ type: 'done' });
      break;
    case 'storm':
      stormUntilMs = command.untilMs;
      process.send!({ type: 'done' });
      break;
    case 'stats': {
      const prefix = command.pathPrefix;
      const chosen = !command.samples ? [] : prefix === undefined ? samples : samples.filter((_, i) => samplePaths[i]!.startsWith(prefix));
      const stats: ReceiverStats = { received, unique: seen.size, duplicates: received - seen.size, firstAtMs, lastAtMs, samples: chosen };
      process.send!({ type: 'stats', stats });
      break;
    }
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'listening', port: (server.address() as AddressInfo).port });
});
