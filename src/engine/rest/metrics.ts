// The numbers GET /metrics reports, in the Prometheus text exposition format (version 0.0.4):
// request counts and a latency histogram per endpoint, rows and index memory per collection,
// and the process's resident memory.

import type { Collection } from '../collection';
import type { RestDatabase } from './route';

/** Latency buckets in seconds: a local database answers in milliseconds, a big build in seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class RestMetrics {
  /** endpoint → Milvus result code → requests. */
  private readonly requests = new Map<string, Map<number, number>>();
  private readonly latency = new Map<string, Histogram>();

  /** `endpoint` must come from a fixed set (route paths, "unknown"), never the raw URL. */
  observe(endpoint: string, code: number, seconds: number): void {
    let byCode = this.requests.get(endpoint);
    if (!byCode) this.requests.set(endpoint, (byCode = new Map()));
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
    let h = this.latency.get(endpoint);
    if (!h) this.latency.set(endpoint, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) h!.counts[i]++;
    });
    h.sum += seconds;
    h.count++;
  }

  render(db: RestDatabase): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };

    family('loupe_rest_requests_total', 'counter', 'REST requests by endpoint and Milvus result code (0 = success).');
    for (const [endpoint, byCode] of this.requests) {
      for (const [code, n] of byCode) out.push(`loupe_rest_requests_total{endpoint="${esc(endpoint)}",code="${code}"} ${n}`);
    }

    family('loupe_rest_request_duration_seconds', 'histogram', 'REST request latency by endpoint.');
    for (const [endpoint, h] of this.latency) {
      const l = `endpoint="${esc(endpoint)}"`;
      BUCKETS.forEach((le, i) => out.push(`loupe_rest_request_duration_seconds_bucket{${l},le="${le}"} ${h.counts[i]}`));
      out.push(`loupe_rest_request_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`);
      out.push(`loupe_rest_request_duration_seconds_sum{${l}} ${h.sum}`);
      out.push(`loupe_rest_request_duration_seconds_count{${l}} ${h.count}`);
    }

    const collections: Array<[string, Collection]> = [];
    for (const name of db.listCollections()) {
      try {
        collections.push([name, db.collection(name)]);
      } catch {
        // Dropped between list and lookup: nothing to report.
      }
    }
    family('loupe_collection_rows', 'gauge', 'Live rows per collection.');
    for (const [name, c] of collections) out.push(`loupe_collection_rows{collection="${esc(name)}"} ${c.stats().rowCount}`);
    family('loupe_index_memory_bytes', 'gauge', 'Approximate bytes held by vector and BM25 indexes per collection.');
    for (const [name, c] of collections) out.push(`loupe_index_memory_bytes{collection="${esc(name)}"} ${indexMemory(c)}`);

    const mem = process.memoryUsage();
    family('process_resident_memory_bytes', 'gauge', 'Resident set size of the server process.');
    out.push(`process_resident_memory_bytes ${mem.rss}`);
    family('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use.');
    out.push(`nodejs_heap_used_bytes ${mem.heapUsed}`);
    return out.join('\n') + '\n';
  }
}

function indexMemory(c: Collection): number {
  let bytes = 0;
  for (const seg of c.segments.all()) {
    for (const ix of seg.indexes.values()) bytes += ix.memoryBytes();
    for (const bm of seg.bm25.values()) bytes += bm.memoryBytes();
  }
  return bytes;
}

/** Label values escape backslash, double quote and newline (exposition format rules). */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
