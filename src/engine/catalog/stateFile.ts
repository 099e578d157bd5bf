// A small JSON state file (the catalog of databases and aliases, the users and roles), replaced
// atomically like the manifest so a crash leaves the old or the new version, never half of one.
// Writes are queued so two requests never interleave their read-modify-write.

import { writeFileAtomic } from '../storage/atomicFile';
import { readVersionedJson } from '../storage/versionedJson';

export class StateFile<T extends { formatVersion: number }> {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string | undefined,
    private current: T,
  ) {}

  /** Reads `file` (undefined: memory only), or starts from `initial` if it does not exist yet. */
  static async open<T extends { formatVersion: number }>(file: string | undefined, initial: T): Promise<StateFile<T>> {
    return new StateFile(file, (file ? await readState<T>(file, initial.formatVersion) : undefined) ?? initial);
  }

  get value(): Readonly<T> {
    return this.current;
  }

  /**
   * Applies `change` to a copy and makes the copy durable before it becomes the state: if
   * `change` throws (bad input) or the write fails, the state is as it was.
   */
  update<R>(change: (draft: T) => R): Promise<R> {
    const next = this.queue.then(async () => {
      const draft = structuredClone(this.current);
      const result = change(draft);
      if (this.file) await writeFileAtomic(this.file, JSON.stringify(draft, null, 1));
      this.current = draft;
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

async function readState<T>(file: string, version: number): Promise<T | undefined> {
  return (await readVersionedJson(file, version)) as T | undefined;
}
