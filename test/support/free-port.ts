// A port for a server a test starts later (a child process, a restarted cluster), or one that
// must refuse connections.
import { createServer } from 'node:net';

/** A TCP port nobody listens on at the moment (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
