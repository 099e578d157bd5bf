// Errors from the embedding layer are values a user can act on: what failed, which model or
// file, and what to change. They cross the worker boundary as plain {code, message} objects.

export type EmbedErrorCode =
  /** The model is neither in loupe.modelPath nor in the download cache, and cannot be downloaded. */
  | 'model-not-found'
  /** The model folder exists but is incomplete or its files are damaged. */
  | 'model-invalid'
  /** Downloading the model failed (network, HTTP status, disk). */
  | 'download-failed'
  /** The caller cancelled the work. */
  | 'cancelled'
  /** The embedding worker thread died while working on this request. */
  | 'worker-crashed'
  /** An input (text or image) cannot be embedded. */
  | 'bad-input'
  /** The pool or embedder was closed. */
  | 'closed';

export class EmbedError extends Error {
  constructor(
    readonly code: EmbedErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EmbedError';
  }

  toJSON(): SerializedEmbedError {
    return { code: this.code, message: this.message };
  }
}

export interface SerializedEmbedError {
  code: EmbedErrorCode;
  message: string;
}

/** Rebuilds an error posted by the worker; unknown errors keep their message. */
export function embedErrorFrom(value: unknown): EmbedError {
  if (value instanceof EmbedError) return value;
  if (value && typeof value === 'object' && 'code' in value && 'message' in value) {
    const { code, message } = value as SerializedEmbedError;
    return new EmbedError(code, String(message));
  }
  return new EmbedError('bad-input', describeError(value));
}

/** One-line reason for any thrown value (errors from transformers.js or onnxruntime). */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message.replace(/\s+/g, ' ').trim();
  return String(value);
}
