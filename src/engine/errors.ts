// Errors are values with a code a Milvus client understands and a message a person can act on:
// what went wrong and where (row, field, position, file).

/** Milvus 2.4/2.5 error codes, as its REST API returns them. */
export const ErrorCode = {
  /** Anything unexpected. */
  Unexpected: 65535,
  CollectionNotFound: 100,
  IndexNotFound: 700,
  /** A request parameter or row is invalid. */
  InvalidParameter: 1100,
  /** The filter expression does not parse or does not type-check. */
  InvalidExpression: 1100,
  CollectionAlreadyExists: 1,
  /** The store is locked by another process, written by a newer version, or damaged. */
  StorageError: 2000,
  Unauthenticated: 1800,
  DatabaseNotFound: 800,
  DatabaseAlreadyExists: 802,
  PartitionNotFound: 200,
  AliasNotFound: 1600,
  AliasAlreadyExists: 1602,
  /** The user is authenticated but lacks the privilege (Milvus merr.ErrPrivilegeNotPermitted). */
  PermissionDenied: 1401,
  UserNotFound: 1500,
  NotFound: 404,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export class EngineError extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export function invalid(message: string): EngineError {
  return new EngineError(ErrorCode.InvalidParameter, message);
}

/**
 * A refusal Milvus answers with a plain error (code 65535, legacy `UnexpectedError`) rather than
 * ErrParameterInvalid (1100, `IllegalArgument`); clients compare the two, so Loupe keeps which.
 */
export function refused(message: string): EngineError {
  return new EngineError(ErrorCode.Unexpected, message);
}
