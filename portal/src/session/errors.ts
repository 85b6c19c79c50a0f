// What a failed call means for the person in front of the portal, in words. An UNAUTHENTICATED
// answer ends the session (the link expired, was revoked or is not a link); everything else is
// shown next to what failed.
import { HeraldAuthError, HeraldError } from '@herald/sdk';

export type SessionEnd = 'EXPIRED' | 'REVOKED' | 'INVALID';

export function sessionEnd(error: unknown): SessionEnd | null {
  if (!(error instanceof HeraldAuthError) || error.code !== 'UNAUTHENTICATED') return null;
  const carried = (error as { reason?: unknown }).reason;
  const reasons = [carried, ...error.errors.map((e) => e.extensions?.['reason'])];
  if (reasons.includes('EXPIRED')) return 'EXPIRED';
  if (reasons.includes('REVOKED')) return 'REVOKED';
  return 'INVALID';
}

/** A refusal already in words (a typed mutation error), shown as it is. */
export class Refusal extends Error {
  override name = 'Refusal';
}

export function describeError(error: unknown): string {
  if (error instanceof Refusal) return error.message;
  if (error instanceof HeraldAuthError && error.code === 'FORBIDDEN') return 'This portal link does not allow that.';
  if (error instanceof HeraldError) {
    switch (error.code) {
      case 'NETWORK':
        return 'The webhook service could not be reached. Check your connection and try again.';
      case 'TIMEOUT':
        return 'The webhook service took too long to answer. Try again.';
      case 'ABORTED':
        return 'The request was cancelled.';
      case 'RESPONSE_TOO_LARGE':
        return 'This is too large to show in one page.';
      default:
        return 'The webhook service could not do that. Try again in a moment.';
    }
  }
  return 'Something went wrong. Try again in a moment.';
}

/**
 * Words for a typed error a mutation returned (ValidationError, NotFoundError, InvalidStateError, …).
 * A ValidationError's message starts with the field path it is about (`id: …`), words for a
 * program: a person gets each field's message alone, as a sentence.
 */
export function describeMutationError(error: { __typename: string; message: string; fields?: ReadonlyArray<{ message: string }> }): string {
  switch (error.__typename) {
    case 'NotFoundError':
      return 'It no longer exists: it may have been deleted in another window.';
    case 'InvalidStateError':
      return `Not possible right now: ${error.message}`;
    case 'ValidationError':
      return error.fields && error.fields.length > 0 ? error.fields.map((field) => sentence(field.message)).join(' ') : sentence(error.message);
    default:
      return error.message;
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}
