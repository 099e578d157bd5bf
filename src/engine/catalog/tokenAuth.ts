// Who a presented token is, for both front doors (REST's `Authorization: Bearer`, gRPC's
// `authorization` metadata): the server's own token is root (compared in constant time), any
// other token is a user's `user:password`, checked by AccessControl.

import { createHash, timingSafeEqual } from 'node:crypto';
import { type AccessControl, ROOT } from './accessControl';

export class TokenAuth {
  private readonly serverToken: Buffer;

  constructor(
    serverToken: string,
    readonly access: AccessControl,
  ) {
    if (typeof serverToken !== 'string' || serverToken.length === 0) throw new Error('a non-empty server token is required');
    this.serverToken = digest(serverToken);
  }

  /** The user a token speaks for, or undefined. */
  userOf(presented: string): string | undefined {
    // Digests make the compare constant-time whatever the lengths.
    if (timingSafeEqual(digest(presented), this.serverToken) && presented !== '') return ROOT;
    return presented ? this.access.authenticate(presented) : undefined;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
