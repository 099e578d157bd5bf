// When the store (a Milvus server) fails in a way that waiting may fix — down, rejecting the
// token, holding a collection of another schema — indexing pauses, says why, and retries with
// exponential backoff. Nothing local is lost: the next attempt re-plans from file hashes.

import type { IndexState } from '../../protocol/requests';
import { StoreAuthError, StoreSchemaError, StoreUnavailableError } from '../store/storeErrors';

export type StoreOutage = StoreUnavailableError | StoreAuthError | StoreSchemaError;

export function isStoreOutage(err: unknown): err is StoreOutage {
  return err instanceof StoreUnavailableError || err instanceof StoreAuthError || err instanceof StoreSchemaError;
}

/** 1, 2, 4, ... × base, capped at 30 × base (30 s for the default base of 1 s). */
export function retryDelay(attempt: number, baseMs = 1000): number {
  return Math.min(baseMs * 2 ** Math.min(attempt, 16), baseMs * 30);
}

/** The status while waiting: paused for an unreachable server, error for what a person must fix. */
export function outageStatus(err: StoreOutage, delayMs: number): { state: IndexState; message: string } {
  const again = `retrying in ${formatDelay(delayMs)}; nothing indexed locally is lost`;
  if (err instanceof StoreUnavailableError) {
    return { state: 'paused', message: `Indexing paused, the vector store is unavailable: ${err.message}. ${capitalize(again)}.` };
  }
  if (err instanceof StoreAuthError) {
    return { state: 'error', message: `Indexing stopped: ${err.message}. Set a new token (command "Loupe: Set Milvus Token" or --milvus-token); ${again}.` };
  }
  return {
    state: 'error',
    message: `Indexing stopped: ${err.message}. Use the model that built it, or another collection (loupe.milvus.collectionPrefix); ${again}.`,
  };
}

/** The wait between attempts; close() wakes it so shutdown does not wait out a backoff. */
export class RetryWait {
  private wakeUp: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.done(resolve), ms);
      this.wakeUp = () => (clearTimeout(timer), this.done(resolve));
    });
  }

  wake(): void {
    this.wakeUp?.();
  }

  private done(resolve: () => void): void {
    this.wakeUp = undefined;
    resolve();
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
