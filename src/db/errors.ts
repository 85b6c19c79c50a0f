// Recognizing database failures that are expected outcomes rather than faults.

/** Prisma's P2002: a unique constraint refused the write (e.g. a duplicate slug). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
