// A real HTTP receiver on 127.0.0.1 that records requests and answers with whatever the test
// sets, changeable mid-test (the Svix test-receiver pattern).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  receivedAt: number;
}

export type Answer = (request: ReceivedRequest, response: ServerResponse) => void;

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  answer(handler: Answer): void;
  close(): Promise<void>;
}

export async function startReceiver(initial: Answer = (_req, res) => res.end('ok')): Promise<Receiver> {
  let handler = initial;
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      requests.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers the echo challenge of endpoint verification correctly. */
export const echoChallenge: Answer = (request, response) => {
  const echo = new URL(request.url, 'http://x').searchParams.get('echo_string') ?? '';
  response.setHeader('content-type', 'text/plain');
  response.end(echo);
};
