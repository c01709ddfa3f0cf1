/** PostgreSQL error helpers: the same SQLSTATE codes come from PostgreSQL and from the embedded database. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = error as { code?: string; constraint?: string; message?: string } | null;
  if (!pgError || pgError.code !== '23505') return false;
  if (!constraint) return true;
  // PGlite does not always fill `constraint`; the message names the index either way.
  return pgError.constraint === constraint || (pgError.message ?? '').includes(`"${constraint}"`);
}

/**
 * A foreign key violation (23503): a row refers to one that was deleted
 * meanwhile, or a delete meets a row that still refers to it.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23503';
}
