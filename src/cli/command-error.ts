// How main.ts tells an expected failure (one line, exit 2) from a bug (a stack, exit 1). Light on
// imports: main.ts loads it for every command, help pages included.
import { ValidationError } from '../errors.ts';
import { UsageError } from './args.ts';

/** One readable line for an expected failure. */
export function describeCommandError(error: unknown): string | null {
  if (error instanceof UsageError) return error.message;
  if (error instanceof ValidationError) return error.fields.map((f) => `${f.path.join('.')}: ${f.message}`).join('; ');
  return null;
}
