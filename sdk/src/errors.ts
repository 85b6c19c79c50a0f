// What the client throws. Expected failures of a mutation (ValidationError, NotFoundError, …) are
// not thrown: they are the `…Result` union the method returns. Only problems with the request as a
// whole are thrown: a refused key, or an error that is not part of the schema's contract.

export interface GraphQLErrorLike {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export class HeraldError extends Error {
  override name = 'HeraldError';
}

/** The API key is missing, unknown or revoked (`UNAUTHENTICATED`), or lacks a scope (`FORBIDDEN`). */
export class HeraldAuthError extends HeraldError {
  override name = 'HeraldAuthError';
  readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN';

  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(message);
    this.code = code;
  }
}

/** Any other top-level failure: a malformed or over-limit query, a masked server fault, a non-GraphQL answer. */
export class HeraldRequestError extends HeraldError {
  override name = 'HeraldRequestError';
  /** The HTTP status, when the request went over HTTP. */
  readonly status: number | undefined;
  readonly errors: readonly GraphQLErrorLike[];

  constructor(message: string, options: { status?: number; errors?: readonly GraphQLErrorLike[] } = {}) {
    super(message);
    this.status = options.status;
    this.errors = options.errors ?? [];
  }
}

/** The error to throw for a GraphQL response's top-level `errors`. */
export function errorFromGraphQLErrors(errors: readonly GraphQLErrorLike[], status?: number): HeraldError {
  for (const error of errors) {
    const code = error.extensions?.['code'];
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return new HeraldAuthError(code, error.message);
  }
  const message = errors.map((error) => error.message).join('; ') || 'the request failed';
  return new HeraldRequestError(message, { ...(status === undefined ? {} : { status }), errors });
}
