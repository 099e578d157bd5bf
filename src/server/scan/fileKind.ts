// Is a file worth reading: formats we cannot index (by extension, without opening them), and
// binary content (a NUL byte early on). Images are wanted even though they are binary.

import * as path from 'node:path';

/** Binary formats no chunker reads. Images we do read are not here. */
export const UNSUPPORTED_EXTENSIONS: ReadonlySet<string> = new Set([
  // archives and packages
  '.zip', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.7z', '.rar', '.tar', '.jar', '.war', '.vsix', '.whl', '.nupkg',
  // executables and object code
  '.exe', '.dll', '.so', '.dylib', '.o', '.a', '.lib', '.obj', '.class', '.pyc', '.pyo', '.wasm', '.node', '.bin',
  // media, fonts, documents
  '.mp3', '.mp4', '.m4a', '.wav', '.flac', '.ogg', '.avi', '.mov', '.mkv', '.webm',
  '.ttf', '.otf', '.woff', '.woff2', '.eot', '.ico', '.icns', '.tif', '.tiff', '.psd', '.heic', '.avif',
  '.pdf', '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx', '.odt',
  // data stores
  '.db', '.sqlite', '.sqlite3', '.parquet', '.arrow', '.pkl', '.npy', '.npz', '.onnx', '.pt', '.safetensors',
]);

export function hasUnsupportedExtension(relPath: string): boolean {
  return UNSUPPORTED_EXTENSIONS.has(path.extname(relPath).toLowerCase());
}

/** Bytes looked at for a NUL, as git does. */
export const BINARY_SNIFF_BYTES = 8192;

/** A NUL byte in the first 8 KB means binary, except in UTF-16 text (which has a BOM). */
export function looksBinary(head: Uint8Array): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    return false;
  }
  return head.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}
