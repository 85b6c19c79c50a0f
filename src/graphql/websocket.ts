// GraphQL over WebSocket (graphql-ws) on the same path as HTTP. Everything runs through Yoga's
// envelop (`getEnveloped`), so parsing, validation, limits, auth and error masking are identical
// on both transports. A socket authenticates once, in `connection_init` with
// `{ "authorization": "Bearer <key>" }`; without a valid key it is closed (4403).
import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate } from '../api-keys/api-keys.ts';
import { parseBearer } from '../auth/api-key-token.ts';
import type { AppServices } from './context.ts';
import type { HeraldYoga } from './yoga.ts';

/** Yoga's enveloped execute/subscribe, handed to graphql-ws through the root value. */
type Run = (args: ExecutionArgs) => ReturnType<NonNullable<ServerOptions['execute']>>;
interface EnvelopedRoot {
  execute: Run;
  subscribe: Run;
}

export interface GraphQLWebSocket {
  /** Closes every socket with 1001 (going away). */
  dispose(): Promise<void>;
  openSockets(): number;
}

export function attachGraphQLWebSocket(server: Server, yoga: HeraldYoga, services: AppServices): GraphQLWebSocket {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024 });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: async (ctx) => {
        const token = parseBearer(String(ctx.connectionParams?.authorization ?? ''));
        return token !== null && (await authenticate(services.db, token)) !== null;
      },
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        const args = {
          schema,
          operationName: params.operationName ?? null,
          document: parse(params.query),
          variableValues: params.variables ?? null,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        return args;
      },
    },
    wss,
  );
  return {
    dispose: async () => {
      await disposable.dispose();
      wss.close();
    },
    openSockets: () => wss.clients.size,
  };
}
