// HERALD_MAX_CONNECTIONS for an HTTP server, with room left for liveness probes. Without a cap,
// 20,000 half-sent requests took every file descriptor (the database pools' too). With Node's own
// `server.maxConnections`, a connection past the cap is closed as it arrives, /health included:
// while a flood holds the cap, the orchestrator sees a live process fail its liveness probe and
// restarts it, dropping the connections it was serving, and the flood comes back. So past the cap a
// connection is not given to the HTTP server; its first line is read (for a moment, a bounded number
// of such connections at once) and only a probe is answered, then it is closed:
// - `GET /health`: 200, the process is alive;
// - `GET /ready`: 503, it cannot take more connections (a load balancer sends traffic elsewhere);
// - anything else: 503 with `Retry-After`, rather than a reset.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Connections past the cap read at once; past these, a connection is closed as it arrives. */
export const OVERFLOW_CONNECTIONS = 64;
/** How long a connection past the cap has to send its request line (a probe sends it at once). */
export const OVERFLOW_FIRST_LINE_MS = 1_000;
/** A request line is short; more bytes than this without one is not a probe. */
const MAX_FIRST_LINE_BYTES = 256;

export interface ConnectionCap {
  /** Closes the connections past the cap (the HTTP server closes its own). */
  close(): void;
}

/**
 * Routes each new connection of `server`: to its HTTP handling while fewer than `maxConnections`
 * are served, else to the probe answers above. Call it before `listen`, once.
 */
export function capConnections(server: Server, maxConnections: number, firstLineMs = OVERFLOW_FIRST_LINE_MS): ConnectionCap {
  // The HTTP server's own connection handling, registered by createServer: it runs only for the
  // connections admitted under the cap.
  const httpHandling = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  let served = 0;
  const overflow = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if (served < maxConnections) {
      served += 1;
      socket.once('close', () => (served -= 1));
      for (const handle of httpHandling) handle.call(server, socket);
      return;
    }
    if (overflow.size >= OVERFLOW_CONNECTIONS) return void socket.destroy();
    overflow.add(socket);
    socket.once('close', () => overflow.delete(socket));
    answerProbe(socket, firstLineMs);
  });
  return {
    close: () => {
      for (const socket of overflow) socket.destroy();
    },
  };
}

function answerProbe(socket: Socket, firstLineMs: number): void {
  socket.on('error', () => undefined);
  socket.setTimeout(firstLineMs, () => socket.destroy());
  let head = '';
  const onData = (chunk: Buffer) => {
    head += chunk.toString('latin1');
    const end = head.indexOf('\r\n');
    if (end < 0 && head.length < MAX_FIRST_LINE_BYTES) return;
    socket.off('data', onData);
    const path = /^(?:GET|HEAD) (\/[^ ?]*)(?:\?[^ ]*)? HTTP\/1\.[01]$/.exec(end < 0 ? '' : head.slice(0, end))?.[1];
    const headOnly = head.startsWith('HEAD ');
    if (path === '/health') return respond(socket, '200 OK', 'ok', headOnly);
    if (path === '/ready') return respond(socket, '503 Service Unavailable', 'not ready: HERALD_MAX_CONNECTIONS reached', headOnly);
    respond(socket, '503 Service Unavailable', 'HERALD_MAX_CONNECTIONS reached: try again shortly', headOnly, ['Retry-After: 1']);
  };
  socket.on('data', onData);
}

function respond(socket: Socket, status: string, body: string, headOnly: boolean, extraHeaders: string[] = []): void {
  const headers = [`HTTP/1.1 ${status}`, 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', ...extraHeaders];
  // Closed once written, whatever the client still sends: a place past the cap is not kept.
  socket.end(`${headers.join('\r\n')}\r\n\r\n${headOnly ? '' : body}`, () => socket.destroy());
}
