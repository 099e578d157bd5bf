// The server's one IndexStatus: what `loupe/status` answers and `loupe/statusChanged` pushes.
// Only facts go in here (counts of what was really indexed); the indexer updates it as it works.

import type { IndexStatus } from '../protocol/requests';

export type StatusListener = (status: IndexStatus) => void;

export class StatusBoard {
  private status: IndexStatus;
  private readonly listeners: StatusListener[] = [];

  constructor(textModel: string, imageModel: string) {
    // Model ids are the configured ones; `error` says when they could not be loaded.
    this.status = {
      state: 'starting',
      files: 0,
      chunks: 0,
      images: 0,
      skipped: {},
      model: { text: textModel, image: imageModel },
    };
  }

  get(): IndexStatus {
    return structuredClone(this.status);
  }

  /** Applies a partial change and tells listeners; fields set to undefined are removed. */
  update(change: Partial<IndexStatus>): IndexStatus {
    const next = { ...this.status, ...change };
    for (const key of Object.keys(next) as Array<keyof IndexStatus>) {
      if (next[key] === undefined) delete next[key];
    }
    this.status = next;
    const snapshot = this.get();
    for (const listener of this.listeners) listener(snapshot);
    return snapshot;
  }

  onChange(listener: StatusListener): void {
    this.listeners.push(listener);
  }
}
