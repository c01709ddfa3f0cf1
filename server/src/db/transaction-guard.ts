import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Knows whether the current async context is inside a transaction. A query sent
 * through the shared pool from inside a transaction "escapes" it: on PGlite
 * (one connection) it waits forever for the connection the transaction holds,
 * on PostgreSQL it silently runs outside the transaction. Both are bugs, so the
 * pool refuses such queries loudly.
 */
const insideTransaction = new AsyncLocalStorage<{ label: string }>();

export class QueryEscapedTransactionError extends Error {
  constructor(label: string) {
    super(
      `A query was sent through the shared pool while transaction "${label}" is open in the same context. ` +
        'Pass the transaction (trx) to the code that runs the query.',
    );
  }
}

export function runInTransactionContext<T>(label: string, fn: () => Promise<T>): Promise<T> {
  return insideTransaction.run({ label }, fn);
}

export function assertNotInTransaction(): void {
  const current = insideTransaction.getStore();
  if (current) throw new QueryEscapedTransactionError(current.label);
}
