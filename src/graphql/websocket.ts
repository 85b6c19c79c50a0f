// GraphQL over WebSocket (graphql-ws) on the same path as HTTP. Everything runs through Yoga's
// envelop (`getEnveloped`), so parsing, validation, limits, auth and error masking are identical
// on both transports. A socket authenticates once, in `connection_init` with
// `{ "authorization": "Bearer <key>" }`; without a valid key it is closed (4403).
//
// One key must not take what every tenant shares, so per API process (src/graphql/socket-limits.ts):
// - past HERALD_MAX_SOCKETS_PER_KEY sockets, a new socket of that key is closed with 4429;
// - past HERALD_MAX_SUBSCRIPTIONS_PER_SOCKET operations on a socket, or HERALD_MAX_SUBSCRIPTIONS_PER_KEY
//   over all of its key's sockets, the new one gets a TOO_MANY_SUBSCRIPTIONS error; the socket stays
//   usable. (graphql-ws makes every operation a subscription: queries in flight count too.)
// - a revoked key's sockets are all closed with 4401, as soon as an event finds the key revoked or
//   at the next periodic check of the keys holding sockets, whichever comes first.
// - a socket with a subscription too far behind (it does not read) is closed with 4420, so that
//   its client resumes after its last cursor (src/graphql/subscription-lag.ts).
//
// graphql-ws is bound to `ws` here rather than through `graphql-ws/use/ws`, whose handlers print
// client-triggered errors (an oversized frame, say) with their stacks to the console.
import type { IncomingMessage, Server } from 'node:http';
import { getOperationAST, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate } from '../api-keys/api-keys.ts';
import { watchRevokedKeys } from './revoked-key-watch.ts';
import { parseBearer } from '../auth/api-key-token.ts';
import type { Logger } from '../log.ts';
import type { AppServices } from './context.ts';
import { createSocketLedger } from './socket-limits.ts';
import { KEY_CHECK_MS, onKeyRevoked } from './subscription-auth.ts';
import { CLOSE_TOO_SLOW, onTooSlow } from './subscription-lag.ts';
import type { HeraldYoga } from './yoga.ts';

/** Close code of every socket of a key found revoked. */
export const CLOSE_KEY_REVOKED = 4401;
/** Close code of a socket past HERALD_MAX_SOCKETS_PER_KEY. */
export const CLOSE_TOO_MANY_SOCKETS = 4429;
/** graphql-ws's own default: a socket that does not answer a ping within this is dropped. */
const KEEP_ALIVE_MS = 12_000;

type OperationResult = AsyncIterable<ExecutionResult> | ExecutionResult;
type Run = (args: ExecutionArgs) => Promise<OperationResult> | OperationResult;
/** Yoga's enveloped execute/subscribe and the operation's slot, handed to graphql-ws through the root value. */
interface EnvelopedRoot {
  execute: Run;
  subscribe: Run;
  release: () => void;
}
interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
}

export interface GraphQLWebSocket {
  /** Closes every socket with 1001 (going away). */
  dispose(): Promise<void>;
  openSockets(): number;
  /** What the limits hold now: authenticated sockets, operations, keys (all 0 once every socket closed). */
  held(): { sockets: number; subscriptions: number; keys: number };
}

export function attachGraphQLWebSocket(server: Server, yoga: HeraldYoga, services: AppServices, log: Logger, keyCheckMs = KEY_CHECK_MS): GraphQLWebSocket {
  // The per-key budget is the process's, shared with SSE streams (sse-limits.ts).
  const ledger = createSocketLedger<WebSocket>(services.config, services.subscriptionBudget);
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024, handleProtocols });

  const closeSocketsOf = (keyId: string) => {
    const sockets = ledger.socketsOf(keyId);
    if (sockets.length === 0) return;
    for (const socket of sockets) {
      ledger.close(socket);
      socket.close(CLOSE_KEY_REVOKED, 'key revoked');
    }
    log.info('closed the graphql-ws sockets of a revoked key', { keyId, sockets: sockets.length });
  };
  const keyWatch = watchRevokedKeys({ db: services.db, intervalMs: keyCheckMs, keyIds: () => ledger.keyIds(), onRevoked: closeSocketsOf, log, what: 'graphql-ws' });

  const graphqlWs = makeServer<Record<string, unknown> | undefined, Extra>({
    execute: (args) => run(args, 'execute'),
    subscribe: (args) => run(args, 'subscribe'),
    onConnect: async (ctx) => {
      const token = parseBearer(String(ctx.connectionParams?.authorization ?? ''));
      const principal = token === null ? null : await authenticate(services.sql, token);
      if (!principal) return false;
      if (!ledger.open(ctx.extra.socket, principal.keyId)) {
        // graphql-ws then closes with 4403 for the `false`; ws ignores that second close.
        ctx.extra.socket.close(CLOSE_TOO_MANY_SOCKETS, 'too many sockets for this key');
        return false;
      }
      keyWatch.wake();
      return true;
    },
    onSubscribe: async (ctx, _id, params) => {
      // Counted before any parsing or database work, so a flood past the limit costs nothing.
      const slot = ledger.acquire(ctx.extra.socket);
      if (!slot.ok) return [refusal(slot.full, services.config)];
      try {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        const operationName = params.operationName ?? null;
        const document = parse(params.query);
        const errors = validate(schema, document);
        if (errors.length > 0) {
          slot.release();
          return errors;
        }
        // graphql-ws would answer this itself, but only after onSubscribe, with no operation run to release the slot.
        if (!getOperationAST(document, operationName)) {
          slot.release();
          return [new GraphQLError('Unable to identify operation.')];
        }
        const root: EnvelopedRoot = { execute, subscribe, release: slot.release };
        return {
          schema,
          operationName,
          document,
          variableValues: params.variables ?? null,
          contextValue: onTooSlow(onKeyRevoked(await contextFactory(), closeSocketsOf), () => {
            log.info('closed a graphql-ws socket whose subscription fell too far behind');
            ctx.extra.socket.close(CLOSE_TOO_SLOW, 'too far behind: resume after the last cursor');
          }),
          rootValue: root,
        };
      } catch (error) {
        slot.release();
        // A syntax error, or a query over the token limit (graphql-armor refuses it while parsing).
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
    },
  });

  wss.on('error', (error) => log.error('graphql-ws server error', { error: String(error.stack ?? error) }));
  wss.on('connection', (socket, request) => bindSocket(socket, request));

  function bindSocket(socket: WebSocket, request: IncomingMessage) {
    // Errors here are the client's doing (an oversized or malformed frame); ws closes the socket itself.
    socket.on('error', (error) => log.warn('graphql-ws socket error', { error: error.message }));
    let pongWait: NodeJS.Timeout | null = null;
    const keepAlive = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
      socket.once('pong', () => {
        if (pongWait) clearTimeout(pongWait);
        pongWait = null;
      });
      socket.ping();
    }, KEEP_ALIVE_MS);
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => {
              log.error('graphql-ws message failed', { error: String((error as Error).stack ?? error) });
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      if (pongWait) clearTimeout(pongWait);
      ledger.close(socket);
      closed(code, String(reason)).catch((error: unknown) => log.error('graphql-ws close failed', { error: String((error as Error).stack ?? error) }));
    });
  }


  return {
    dispose: async () => {
      keyWatch.stop();
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    openSockets: () => wss.clients.size,
    held: () => ledger.totals(),
  };
}

function refusal(full: 'socket' | 'key' | 'closed', limits: AppServices['config']): GraphQLError {
  if (full === 'closed') return new GraphQLError('This socket is closing.', { extensions: { code: 'UNAUTHENTICATED' } });
  const message =
    full === 'socket'
      ? `This socket already holds ${limits.maxSubscriptionsPerSocket} subscriptions; complete one first.`
      : `This key already holds ${limits.maxSubscriptionsPerKey} subscriptions over its sockets and streams; complete one first.`;
  return new GraphQLError(message, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } });
}

/** Runs the operation and releases its slot when it ends: at once for a result, when the stream ends for a subscription. */
async function run(args: ExecutionArgs, kind: 'execute' | 'subscribe'): Promise<OperationResult> {
  const root = args.rootValue as EnvelopedRoot;
  try {
    const result = await root[kind](args);
    if (!(Symbol.asyncIterator in result)) {
      root.release();
      return result;
    }
    return releasing(result, root.release);
  } catch (error) {
    root.release();
    throw error;
  }
}

// A hand-written iterator, not an async generator: a generator's return() waits for the pending
// next() — for an idle subscription, until the next event — so closing would not release.
function releasing<T>(source: AsyncIterable<T>, release: () => void): AsyncIterableIterator<T> & { return(value?: unknown): Promise<IteratorResult<T>> } {
  const iterator = source[Symbol.asyncIterator]();
  return {
    next: () =>
      iterator.next().then(
        (step) => {
          if (step.done) release();
          return step;
        },
        (error: unknown) => {
          release();
          throw error;
        },
      ),
    return: (value) => {
      release();
      return iterator.return ? iterator.return(value) : Promise.resolve({ done: true, value: undefined });
    },
    throw: (error) => {
      release();
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
