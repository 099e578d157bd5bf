// What the last full pass (and edits since) did not index, for the status: counts per reason and
// a few "folder/path: why" lines. Kept in the index state file so a later process can report it.

import type { SkipReason } from '../../protocol/requests';
import type { FileSkip } from './indexState';

const EXAMPLES = 20;

export class SkipLog {
  counts: Partial<Record<SkipReason, number>> = {};
  examples: string[] = [];

  /** Starts over (a new full pass), or from what a previous process saved. */
  reset(saved?: { skipped: Partial<Record<SkipReason, number>>; skipExamples: string[] }): void {
    this.counts = saved ? { ...saved.skipped } : {};
    this.examples = saved ? [...saved.skipExamples] : [];
  }

  add(reason: SkipReason, n: number): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + n;
  }

  note(line: string): void {
    if (this.examples.length < EXAMPLES) this.examples.push(line);
  }

  /** One file with no rows, and why. */
  file(file: { folder: string; path: string }, skip: FileSkip): void {
    this.add(skip.reason, 1);
    this.note(`${file.folder}/${file.path}: ${skip.message}`);
  }
}
