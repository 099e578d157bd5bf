// Messages between the embedding pool (server main thread) and its worker thread. Types only.
import type { ClipModelSettings, ImageInput } from './clipEmbedder';
import type { SerializedEmbedError } from './errors';
import type { DownloadProgress, ModelSourceSettings } from './modelSource';
import type { TextModelSettings } from './textEmbedder';

/** workerData: which models to load and from where. */
export interface EmbedWorkerConfig {
  text?: TextModelSettings & ModelSourceSettings;
  clip?: ClipModelSettings & ModelSourceSettings;
}

/** text: the sentence model; clip-text / clip-image: CLIP's two towers (one vector space). */
export type EmbedKind = 'text' | 'clip-text' | 'clip-image';

export interface EmbedBatch {
  type: 'embed';
  id: number;
  kind: EmbedKind;
  inputs: string[] | ImageInput[];
}

export interface LoadedModel {
  modelId: string;
  dim: number;
}

export type WorkerMessage =
  | { type: 'progress'; progress: DownloadProgress }
  | { type: 'ready'; text?: LoadedModel; clip?: LoadedModel }
  | { type: 'load-failed'; error: SerializedEmbedError }
  /** vectors[i] is null exactly when errors[i] says why input i failed. */
  | { type: 'result'; id: number; vectors: Array<Float32Array | null>; errors: Array<SerializedEmbedError | null> };
