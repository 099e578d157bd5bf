// Embedding off the server's main thread. Requests wait in a bounded FIFO queue (submit() waits
// while it is full: back-pressure for the indexer), leave it in batches for one worker thread,
// and come back in order. Urgent requests (search queries) jump the queue and ignore pause. A crashed worker fails only the work it held, then is restarted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClipModelSettings, ImageInput } from './clipEmbedder';
import { checkTexts } from './batching';
import { EmbedError, describeError, embedErrorFrom, type SerializedEmbedError } from './errors';
import type { DownloadProgress, ModelSourceSettings } from './modelSource';
import type { TextModelSettings } from './textEmbedder';
import { defaultThreads } from './threads';
import type { EmbedKind, EmbedWorkerConfig, LoadedModel, WorkerMessage } from './workerProtocol';

export interface EmbedPoolOptions {
  /** Load the sentence model (embed()). */
  text?: TextModelSettings;
  /** Load CLIP (embedClipTexts(), embedImages()). */
  clip?: ClipModelSettings;
  /** Where models come from: loupe.modelPath, the download cache, whether to download. */
  source?: ModelSourceSettings;
  /** ONNX Runtime intra-op threads in the worker (default half the cores). */
  threads?: number;
  /** Inputs per message to the worker (default 32). */
  batchSize?: number;
  /** Inputs allowed to wait in the queue before submit() waits (default 512). */
  maxQueue?: number;
  /** Consecutive crashes (without a finished batch between) before the pool gives up (default 3). */
  maxRestarts?: number;
  /** The worker entry; default worker.js beside this file (tsc) or embedWorker.js (esbuild bundle). */
  workerScript?: string;
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels start() (a download in progress stops with the worker). */
  signal?: AbortSignal;
}

export interface SubmitOptions {
  /** Cancels the request while it is queued; a batch already in the worker finishes but is dropped. */
  signal?: AbortSignal;
  /**
   * Someone is waiting for it (a search query): it goes ahead of queued indexing work, in
   * batches of its own, and neither pause() nor the queue bound holds it back.
   */
  urgent?: boolean;
}

interface Request {
  kind: EmbedKind;
  inputs: readonly (string | ImageInput)[];
  vectors: Float32Array[];
  remaining: number;
  done: boolean;
  urgent: boolean;
  resolve: (vectors: Float32Array[]) => void;
  reject: (err: EmbedError) => void;
  release?: () => void;
}

interface Item {
  request: Request;
  index: number;
}

/** Batches the worker holds at once: one running, one ready so it never idles between them. */
const MAX_IN_FLIGHT = 2;

export function defaultWorkerScript(): string {
  const beside = path.join(__dirname, 'worker.js');
  return fs.existsSync(beside) ? beside : path.join(__dirname, 'embedWorker.js');
}

export class EmbedPool {
  private worker: Worker | undefined;
  private ready = false;
  private paused = false;
  private closed = false;
  private failure: EmbedError | undefined;
  private rejectSpawn: ((err: EmbedError) => void) | undefined;
  private crashes = 0;
  private nextBatchId = 0;
  private queue: Item[] = [];
  private readonly waiting: Array<{ request: Request; admit: () => void }> = [];
  private readonly inFlight = new Map<number, Item[]>();
  private models: { text?: LoadedModel; clip?: LoadedModel } = {};

  private constructor(
    private readonly config: EmbedWorkerConfig,
    private readonly script: string,
    private readonly batchSize: number,
    private readonly maxQueue: number,
    private readonly maxRestarts: number,
    private readonly onProgress: ((progress: DownloadProgress) => void) | undefined,
  ) {}

  /** Starts the worker and waits until its models are loaded (or failed to load). */
  static async start(options: EmbedPoolOptions): Promise<EmbedPool> {
    if (!options.text && !options.clip) throw new EmbedError('bad-input', 'EmbedPool needs a text or a CLIP model (options.text / options.clip)');
    const threads = options.threads ?? defaultThreads();
    const source = options.source ?? {};
    const config: EmbedWorkerConfig = {
      text: options.text && { ...source, threads, ...options.text },
      clip: options.clip && { ...source, threads, ...options.clip },
    };
    const pool = new EmbedPool(
      config,
      options.workerScript ?? defaultWorkerScript(),
      options.batchSize ?? 32,
      options.maxQueue ?? 512,
      options.maxRestarts ?? 3,
      options.onProgress,
    );
    const { signal } = options;
    const onAbort = () => void pool.close(new EmbedError('cancelled', 'starting the embedding worker was cancelled'));
    if (signal?.aborted) throw new EmbedError('cancelled', 'starting the embedding worker was cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await pool.spawn();
    } catch (err) {
      await pool.close();
      throw signal?.aborted ? new EmbedError('cancelled', 'starting the embedding worker was cancelled') : err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return pool;
  }

  /** Width of embed() vectors (undefined when no text model was requested). */
  get textDim(): number | undefined {
    return this.models.text?.dim;
  }

  /** Width of CLIP vectors. */
  get clipDim(): number | undefined {
    return this.models.clip?.dim;
  }

  /** Inputs waiting in the queue (not yet sent to the worker). Never above maxQueue, except one oversized request and urgent ones. */
  get queued(): number {
    return this.queue.length;
  }

  /** Inputs sent to the worker and not yet answered. */
  get inWorker(): number {
    let n = 0;
    for (const items of this.inFlight.values()) n += items.length;
    return n;
  }

  /** Sentence-model vectors (unit length), one per text, in order. */
  async embed(texts: readonly string[], options?: SubmitOptions): Promise<Float32Array[]> {
    return (await this.submit('text', texts, options)).vectors;
  }

  /** CLIP text-tower vectors, comparable with embedImages(). */
  async embedClipTexts(texts: readonly string[], options?: SubmitOptions): Promise<Float32Array[]> {
    return (await this.submit('clip-text', texts, options)).vectors;
  }

  /** CLIP image-tower vectors, one per image, in order. */
  async embedImages(images: readonly ImageInput[], options?: SubmitOptions): Promise<Float32Array[]> {
    return (await this.submit('clip-image', images, options)).vectors;
  }

  /**
   * Queues a request and resolves once it is in the queue (waiting while the queue is full), with
   * the promise of its vectors: a producer that awaits submit() never runs ahead of the worker.
   */
  async submit(
    kind: EmbedKind,
    inputs: readonly (string | ImageInput)[],
    options: SubmitOptions = {},
  ): Promise<{ vectors: Promise<Float32Array[]> }> {
    this.checkUsable(kind);
    checkInputs(kind, inputs);
    const request = newRequest(kind, inputs, options.urgent === true);
    const vectors = new Promise<Float32Array[]>((resolve, reject) => {
      request.resolve = resolve;
      request.reject = reject;
    });
    vectors.catch(() => undefined); // rejections reach whoever awaits `vectors`; none go unhandled
    if (inputs.length === 0) {
      this.finish(request);
      return { vectors };
    }
    const { signal } = options;
    if (signal?.aborted) {
      this.fail(request, cancelledError(request));
      return { vectors };
    }
    if (signal) {
      const onAbort = () => this.fail(request, cancelledError(request));
      signal.addEventListener('abort', onAbort, { once: true });
      request.release = () => signal.removeEventListener('abort', onAbort);
    }
    if (request.urgent || (this.waiting.length === 0 && this.fits(inputs.length))) {
      this.enqueue(request);
    } else {
      await new Promise<void>((admit) => this.waiting.push({ request, admit }));
    }
    this.pump();
    return { vectors };
  }

  /**
   * Stops sending batches to the worker (the ones it holds finish); the queue keeps filling up to
   * its bound. Urgent requests still go through: pausing indexing must not stall a search.
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Rejects every request that has not reached the worker yet; returns how many. */
  cancelQueued(): number {
    const requests = new Set<Request>([...this.queue.map((i) => i.request), ...this.waiting.map((w) => w.request)]);
    for (const request of requests) this.fail(request, cancelledError(request));
    return requests.size;
  }

  /** Stops the worker and rejects all pending work. */
  async close(reason = new EmbedError('closed', 'the embedding pool was closed')): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectSpawn?.(reason);
    this.failAll(reason);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private checkUsable(kind: EmbedKind): void {
    if (this.closed) throw new EmbedError('closed', 'the embedding pool was closed');
    if (this.failure) throw this.failure;
    const model = kind === 'text' ? this.models.text : this.models.clip;
    if (!model) throw new EmbedError('bad-input', `no ${kind === 'text' ? 'text' : 'CLIP'} model was loaded in this pool`);
  }

  private fits(n: number): boolean {
    return this.queue.length === 0 || this.queue.length + n <= this.maxQueue;
  }

  private enqueue(request: Request): void {
    const items = Array.from({ length: request.inputs.length }, (_, index) => ({ request, index }));
    if (!request.urgent) {
      for (const item of items) this.queue.push(item);
      return;
    }
    // After the urgent items already waiting, ahead of everything else.
    let at = 0;
    while (at < this.queue.length && this.queue[at].request.urgent) at++;
    this.queue.splice(at, 0, ...items);
  }

  /** Admits waiting requests that now fit, then sends batches while the worker has room. */
  private pump(): void {
    this.admit();
    if (!this.ready || !this.worker) return;
    while (this.inFlight.size < MAX_IN_FLIGHT && this.queue.length > 0) {
      const { kind, urgent } = this.queue[0].request;
      if (this.paused && !urgent) break;
      let n = 1;
      while (n < this.queue.length && n < this.batchSize && this.queue[n].request.kind === kind && this.queue[n].request.urgent === urgent) n++;
      const items = this.queue.splice(0, n);
      const id = ++this.nextBatchId;
      this.inFlight.set(id, items);
      const inputs = items.map((item) => item.request.inputs[item.index]) as string[] | ImageInput[];
      this.worker.postMessage({ type: 'embed', id, kind, inputs });
    }
    this.admit();
  }

  private admit(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].request.inputs.length)) {
      const { request, admit } = this.waiting.shift()!;
      if (!request.done) this.enqueue(request);
      admit();
    }
  }

  private onResult(id: number, vectors: Array<Float32Array | null>, errors: Array<SerializedEmbedError | null>): void {
    const items = this.inFlight.get(id);
    if (!items) return;
    this.inFlight.delete(id);
    this.crashes = 0;
    items.forEach(({ request, index }, i) => {
      if (request.done) return;
      const error = errors[i];
      const vector = vectors[i];
      if (error || !vector) {
        this.fail(request, embedErrorFrom(error ?? { code: 'bad-input', message: `input ${index} produced no vector` }));
        return;
      }
      request.vectors[index] = vector;
      if (--request.remaining === 0) this.finish(request);
    });
    this.pump();
  }

  private finish(request: Request): void {
    request.done = true;
    request.release?.();
    request.resolve(request.vectors);
  }

  /** Rejects a request and drops whatever of it is still queued or waiting. */
  private fail(request: Request, error: EmbedError): void {
    if (request.done) return;
    request.done = true;
    request.release?.();
    request.reject(error);
    if (this.queue.some((item) => item.request === request)) this.queue = this.queue.filter((item) => item.request !== request);
    const waiter = this.waiting.findIndex((w) => w.request === request);
    if (waiter >= 0) this.waiting.splice(waiter, 1)[0].admit();
    this.pump();
  }

  private failAll(error: EmbedError): void {
    const requests = new Set<Request>();
    for (const items of this.inFlight.values()) for (const item of items) requests.add(item.request);
    for (const item of this.queue) requests.add(item.request);
    for (const w of this.waiting) requests.add(w.request);
    this.inFlight.clear();
    this.queue = [];
    for (const w of this.waiting.splice(0)) w.admit();
    for (const request of requests) {
      if (request.done) continue;
      request.done = true;
      request.release?.();
      request.reject(error);
    }
  }

  /** Starts a worker and resolves when its models are loaded. */
  private spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const worker = new Worker(this.script, { workerData: this.config });
      this.worker = worker;
      this.ready = false;
      this.rejectSpawn = reject;
      let lastError: unknown;
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'progress':
            this.onProgress?.(message.progress);
            break;
          case 'ready':
            this.models = { text: message.text, clip: message.clip };
            this.ready = true;
            this.rejectSpawn = undefined;
            resolve();
            this.pump();
            break;
          case 'load-failed':
            lastError = embedErrorFrom(message.error);
            reject(lastError);
            break;
          case 'result':
            this.onResult(message.id, message.vectors, message.errors);
            break;
        }
      });
      worker.on('error', (err) => (lastError = err));
      worker.on('exit', (code) => {
        if (this.worker !== worker) return; // terminated by close() or replaced
        this.worker = undefined;
        const reason = lastError ? describeError(lastError) : `exit code ${code}`;
        if (!this.ready) {
          reject(lastError instanceof EmbedError ? lastError : new EmbedError('worker-crashed', `the embedding worker stopped while loading models: ${reason}`));
          return;
        }
        this.ready = false;
        this.onCrash(reason);
      });
    });
  }

  private onCrash(reason: string): void {
    const held = [...this.inFlight.values()].flat();
    this.inFlight.clear();
    const requests = new Set(held.map((item) => item.request));
    for (const request of requests) {
      this.fail(request, new EmbedError('worker-crashed', `the embedding worker crashed (${reason}) while embedding ${request.inputs.length} input(s); they were not embedded and the worker was restarted`));
    }
    this.crashes++;
    if (this.crashes > this.maxRestarts) {
      this.failure = new EmbedError('worker-crashed', `the embedding worker crashed ${this.crashes} times in a row (last: ${reason}); embedding is stopped until the server restarts`);
      this.failAll(this.failure);
      return;
    }
    this.spawn().catch((err: unknown) => {
      this.failure = embedErrorFrom(err);
      this.failAll(this.failure);
    });
  }
}

function newRequest(kind: EmbedKind, inputs: readonly (string | ImageInput)[], urgent: boolean): Request {
  const noop = () => undefined;
  return { kind, inputs, vectors: new Array(inputs.length), remaining: inputs.length, done: false, urgent, resolve: noop, reject: noop };
}

function cancelledError(request: Request): EmbedError {
  return new EmbedError('cancelled', `embedding of ${request.inputs.length} input(s) was cancelled`);
}

/** Rejects bad inputs on the caller's side, so one bad item never fails a batch of others. */
function checkInputs(kind: EmbedKind, inputs: readonly (string | ImageInput)[]): void {
  if (kind !== 'clip-image') return checkTexts(inputs);
  if (!Array.isArray(inputs)) throw new EmbedError('bad-input', 'expected an array of images');
  inputs.forEach((input, i) => {
    if (!(input && typeof input === 'object' && ('path' in input || 'bytes' in input))) {
      throw new EmbedError('bad-input', `image ${i} must be {path: string} or {bytes: Buffer}`);
    }
  });
}
