// Expected failures of Herald's operations. Each becomes a typed member of a mutation's result
// union (src/graphql/error-types.ts); anything else that is thrown is a fault and gets masked.

export interface FieldIssue {
  path: string[];
  message: string;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly fields: FieldIssue[];

  constructor(fields: FieldIssue[], message = summarize(fields)) {
    super(message);
    this.fields = fields;
  }

  static of(path: string[], message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

/** Also what an id of another organization answers: the two must be indistinguishable. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';

  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class LimitExceededError extends Error {
  override name = 'LimitExceededError';
  readonly limit: number;

  constructor(message: string, limit: number) {
    super(message);
    this.limit = limit;
  }
}

/** Too many of an operation too fast; one more is admitted after `retryAfterSeconds`. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The object is in a state that does not allow the operation; `state` says which (a status). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
  readonly state: string;

  constructor(message: string, state: string) {
    super(message);
    this.state = state;
  }
}

export class EndpointVerificationError extends Error {
  override name = 'EndpointVerificationError';
}

function summarize(fields: FieldIssue[]): string {
  const first = fields[0];
  if (!first) return 'Invalid input';
  const where = first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : '';
  return `${where}${first.message}${more}`;
}
