// One execution per change, not per subscriber (Hasura's "cohorts"): subscriptions with the same
// document, operation, variables and principal's scope (organization, scopes, feature flags; not
// the key itself) execute each change once, and every subscriber of the cohort is handed that
// same result. The change feed gives every subscriber of a process the same notice object, so the
// notice keys the shared execution (sharedReads, src/pubsub/shared-read.ts) and it goes with it.
//
// Per subscriber there is only its own key's check (cached per process, src/api-keys) and the
// write. If the subscriber that happened to execute was refused (its key revoked), the others
// execute on their own rather than show its refusal.
import { createSourceEventStream, execute, GraphQLError, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.ts';
import type { Context } from './context.ts';
import { assertStillAuthorized } from './subscription-auth.ts';

/** What makes two subscribers see the same data: everything of the principal but its key. */
function scopeOf(principal: Principal | null): unknown {
  if (!principal) return null;
  if (principal.kind === 'admin') return 'admin';
  return [principal.organizationId, [...principal.scopes].sort(), [...principal.featureFlags].sort(), principal.seesOperationalEventTypes];
}

function cohortOf(args: ExecutionArgs, ctx: Context): string {
  return JSON.stringify(['execution', print(args.document), args.operationName ?? null, args.variableValues ?? null, scopeOf(ctx.principal)]);
}

function refusedBy(result: ExecutionResult): boolean {
  return result.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false;
}

async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const ctx = args.contextValue as Context;
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const events = source[Symbol.asyncIterator]();
  const cohort = cohortOf(args, ctx);
  const run = (event: unknown) => execute({ ...args, rootValue: event }) as Promise<ExecutionResult> | ExecutionResult;
  const resultOf = async (event: unknown): Promise<ExecutionResult> => {
    try {
      await assertStillAuthorized(ctx);
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
    // Events that are not objects (none today) cannot key a shared execution.
    if (typeof event !== 'object' || event === null) return run(event);
    let mine = false;
    const shared = await ctx.sharedReads.readOncePerNotice(event, cohort, async () => {
      mine = true;
      ctx.sharedReads.countExecution();
      return run(event);
    });
    return mine || !refusedBy(shared) ? shared : run(event);
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      if (step.done) return { done: true, value: undefined };
      return { done: false, value: await resultOf(step.value) };
    },
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
    throw: async (error: unknown) => {
      await events.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

export function useSharedSubscriptionExecution(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(sharedSubscribe as Parameters<typeof setSubscribeFn>[0]);
    },
  };
}
