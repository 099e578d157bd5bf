// The status's query latency: the median of the last few searches, so one slow query (a model
// warming up) does not dominate the number the user sees.

const WINDOW = 21;

export class LatencyWindow {
  private readonly recent: number[] = [];

  add(ms: number): void {
    this.recent.push(ms);
    if (this.recent.length > WINDOW) this.recent.shift();
  }

  get medianMs(): number | undefined {
    if (this.recent.length === 0) return undefined;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }
}
