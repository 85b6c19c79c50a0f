// Recognizing database failures that are expected outcomes rather than faults.

/**
 * A unique constraint refused the write (e.g. a duplicate slug): Prisma's P2002, or PostgreSQL's
 * 23505 from a statement run on a `pg` connection.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'P2002' || code === '23505';
}
