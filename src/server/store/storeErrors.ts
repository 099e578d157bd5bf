// What can go wrong talking to a vector store, as types the indexer can act on: pause and retry
// when the store is unreachable, ask for a new token when auth is rejected, rebuild (or stop and
// tell the user) when the stored schema is not Loupe's. Every message names the store and what.

/** Base class: `store` is where (e.g. "milvus http://host:19530 db default"). */
export class StoreError extends Error {
  constructor(
    readonly store: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${store}: ${message}`, options);
    this.name = 'StoreError';
  }
}

/** Unreachable, refused, reset, timed out, or not serving: worth retrying later. */
export class StoreUnavailableError extends StoreError {
  constructor(store: string, message: string, options?: { cause?: unknown }) {
    super(store, message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** The server rejected our credentials (token, user/password); retrying will not help. */
export class StoreAuthError extends StoreError {
  constructor(store: string, message: string, options?: { cause?: unknown }) {
    super(store, message, options);
    this.name = 'StoreAuthError';
  }
}

/** The collection exists with a schema that is not the one Loupe needs; `field` names the first difference. */
export class StoreSchemaError extends StoreError {
  constructor(
    store: string,
    readonly collection: string,
    readonly field: string,
    message: string,
  ) {
    super(store, `collection "${collection}", field "${field}": ${message}`);
    this.name = 'StoreSchemaError';
  }
}

/** The server understood us and refused the request (bad filter, bad row): a bug or bad input, not a retry. */
export class StoreRequestError extends StoreError {
  constructor(
    store: string,
    readonly code: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(store, message, options);
    this.name = 'StoreRequestError';
  }
}
