// What the client throws. Expected failures of a mutation (ValidationError, NotFoundError, …) are
// not thrown: they are the `…Result` union the method returns. Only problems with the request as a
// whole are thrown, always as a HeraldError with a `code` to switch on and the original `cause`.

export interface GraphQLErrorLike {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/**
 * Why a request failed. The transport's own codes are listed; a GraphQL error carries the
 * server's `extensions.code` (`BAD_USER_INPUT`, `PAYLOAD_TOO_LARGE`, …) when it has one.
 */
export type HeraldErrorCode =
  /** The request never got an answer: refused connection, DNS failure, reset socket. */
  | 'NETWORK'
  /** No answer within `timeoutMs`. */
  | 'TIMEOUT'
  /** The caller's `signal` aborted the request. */
  | 'ABORTED'
  /** An HTTP error status with a body that is not a GraphQL response (a proxy's 502 page, say). */
  | 'HTTP_STATUS'
  /** A 2xx answer that is not a GraphQL response. */
  | 'BAD_RESPONSE'
  /** The key is missing, unknown or revoked. */
  | 'UNAUTHENTICATED'
  /** The key lacks a scope. */
  | 'FORBIDDEN'
  /** A variable the server refused before running the operation (page size, `__proto__` key, NUL character). */
  | 'BAD_USER_INPUT'
  /** A GraphQL error without a code: a masked server fault or an invalid document. */
  | 'GRAPHQL_ERROR'
  /** The subscription socket closed and could not reconnect. */
  | 'SOCKET_CLOSED'
  | (string & {});

interface HeraldErrorOptions {
  cause?: unknown;
  status?: number | undefined;
  errors?: readonly GraphQLErrorLike[];
}

export class HeraldError extends Error {
  override name = 'HeraldError';
  readonly code: HeraldErrorCode;
  /** The HTTP status, when there was an HTTP answer. */
  readonly status: number | undefined;
  /** The GraphQL errors of the answer, if any. */
  readonly errors: readonly GraphQLErrorLike[];

  constructor(code: HeraldErrorCode, message: string, options: HeraldErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.errors = options.errors ?? [];
  }
}

/**
 * Why a key that exists was refused (`extensions.reason`): `EXPIRED` for a portal session past its
 * expiry, `REVOKED` for a revoked key or session. Absent for a missing or unknown key.
 */
export type HeraldAuthReason = 'EXPIRED' | 'REVOKED' | (string & {});

/** The API key is missing, unknown, revoked or expired (`UNAUTHENTICATED`), or lacks a scope (`FORBIDDEN`). */
export class HeraldAuthError extends HeraldError {
  override name = 'HeraldAuthError';
  declare readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  /** Set when Herald said why it refused the key: the portal shows "expired" and "revoked" pages from it. */
  readonly reason: HeraldAuthReason | undefined;

  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string, options: HeraldErrorOptions & { reason?: HeraldAuthReason | undefined } = {}) {
    super(code, message, options);
    this.reason = options.reason;
  }
}

/** Herald could not be reached or did not answer in time: `NETWORK`, `TIMEOUT` or `ABORTED`. */
export class HeraldNetworkError extends HeraldError {
  override name = 'HeraldNetworkError';
  declare readonly code: 'NETWORK' | 'TIMEOUT' | 'ABORTED';

  constructor(code: 'NETWORK' | 'TIMEOUT' | 'ABORTED', message: string, options: HeraldErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Any other top-level failure: refused variables, an over-limit query, a masked fault, a non-GraphQL answer. */
export class HeraldRequestError extends HeraldError {
  override name = 'HeraldRequestError';
}

/** The error to throw for a GraphQL response's top-level `errors`. */
export function errorFromGraphQLErrors(errors: readonly GraphQLErrorLike[], status?: number): HeraldError {
  const options = { status, errors };
  for (const error of errors) {
    const code = error.extensions?.['code'];
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') {
      const reason = error.extensions?.['reason'];
      return new HeraldAuthError(code, error.message, { ...options, reason: typeof reason === 'string' ? reason : undefined });
    }
  }
  const code = errors.map((error) => error.extensions?.['code']).find((value) => typeof value === 'string');
  const message = errors.map((error) => error.message).join('; ') || 'the request failed';
  return new HeraldRequestError(typeof code === 'string' ? code : 'GRAPHQL_ERROR', message, options);
}
