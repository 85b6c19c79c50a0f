// An example webhook receiver: verifies each request with the SDK and handles each event once.
//
//   HERALD_WEBHOOK_SECRET=whsec_… PORT=3000 node sdk/examples/receiver.ts
//
// In your project, import from '@herald/sdk/webhooks' instead of the relative path. On an edge
// runtime, `verifyWebhook` from '@herald/sdk/webhooks/web' takes the same arguments and is awaited.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  verifyWebhook,
  WebhookVerificationError,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
} from '../src/webhooks.ts';

export interface ReceiverOptions {
  /** The endpoint's secret; during a rotation, both the new and the old one. */
  secret: string | readonly string[];
  /** The endpoint's signature scheme (default STANDARD_WEBHOOKS), the tolerance, the header name. */
  verify?: VerifyWebhookOptions;
  /** Handles one event. Throwing answers 500, so Herald retries later with the same webhook-id. */
  onEvent(webhook: VerifiedWebhook): Promise<void> | void;
  /** Told of each request refused because it does not verify (it is answered 401 with the reason). */
  onRejected?(error: WebhookVerificationError, request: IncomingMessage, body: Buffer): void;
  /** How many recent webhook-ids to remember for deduplication (0: none, every request is handled). */
  rememberIds?: number;
}

/** Herald's payloads are at most 256 KiB by default; anything far larger is not from Herald. */
const MAX_BODY_BYTES = 1024 * 1024;

export function createReceiver(options: ReceiverOptions): Server {
  // Herald delivers at least once: a retry, or a worker crash between sending and recording,
  // sends the same webhook-id again. Remembering recent ids makes handling exactly-once in
  // practice. In production keep them where your handler writes (a unique index on the id,
  // written in the handler's transaction), so they survive restarts and span instances.
  const handled = new Set<string>();
  const rememberIds = options.rememberIds ?? 10_000;

  return createServer(async (request, response) => {
    if (request.method !== 'POST') return void response.writeHead(405).end();

    // Verify the bytes as received: a body re-serialized by a JSON parser does not verify.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return void response.writeHead(413).end();
      chunks.push(chunk);
    }

    const body = Buffer.concat(chunks);
    let webhook: VerifiedWebhook;
    try {
      webhook = verifyWebhook(body, request.headers, options.secret, options.verify);
    } catch (error) {
      // 4xx: Herald records the failure; a forged request learns nothing but the reason's kind.
      if (error instanceof WebhookVerificationError) {
        options.onRejected?.(error, request, body);
        return void response.writeHead(401, { 'content-type': 'text/plain' }).end(error.reason);
      }
      console.error('cannot verify webhooks:', error); // a misconfigured secret, for instance
      return void response.writeHead(500).end();
    }

    if (handled.has(webhook.id)) return void response.writeHead(200).end('already handled');
    try {
      await options.onEvent(webhook);
    } catch (error) {
      console.error(`handling ${webhook.id} failed; Herald will retry it:`, error);
      return void response.writeHead(500).end();
    }
    handled.add(webhook.id);
    if (handled.size > rememberIds) handled.delete(handled.values().next().value!);
    response.writeHead(204).end();
  });
}

if (import.meta.main) {
  const secret = process.env['HERALD_WEBHOOK_SECRET'];
  if (!secret) {
    console.error('HERALD_WEBHOOK_SECRET is required (the whsec_… secret createEndpoint returned)');
    process.exit(2);
  }
  const port = Number(process.env['PORT'] ?? 3000);
  createReceiver({
    secret,
    onEvent: (webhook) => console.log(`${webhook.id} ${webhook.type}`, JSON.stringify(webhook.data)),
  }).listen(port, () => console.log(`receiving webhooks on http://localhost:${port}`));
}
