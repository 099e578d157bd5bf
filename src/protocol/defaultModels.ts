// The default models, in one place: the extension's settings, the server, the CLI and the
// embedders read them from here (package.json's `default`s must agree; a unit test checks).

/** Loupe's own code model, shipped inside the extension (models/code-v1): no download. */
export const BUILTIN_TEXT_MODEL = 'loupe/code-v1';

/** loupe.textModel's default. */
export const DEFAULT_TEXT_MODEL = BUILTIN_TEXT_MODEL;

/** A transformers.js sentence model (downloaded on first use), and what TextEmbedder loads when given no id. */
export const DEFAULT_ONNX_TEXT_MODEL = 'Xenova/all-MiniLM-L6-v2';

/** loupe.imageModel's default (downloaded on first use). */
export const DEFAULT_IMAGE_MODEL = 'Xenova/clip-vit-base-patch32';
