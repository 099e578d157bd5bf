// Users, roles and privileges, in Milvus's model: a user holds roles, a role holds grants
// (object type, object name, privilege, database), `admin` may do anything and `public` is every
// user's. `root` always exists and holds `admin`. Passwords are kept as scrypt hashes in
// `access.json` (a StateFile), written before a change answers.
//
// A client presents `user:password` (the Milvus SDKs' token, or username + password). The
// server's own token stands for root, so `loupe serve --token T` keeps working as before.

import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import * as path from 'node:path';
import { EngineError, ErrorCode, invalid } from '../errors';
import { StateFile } from './stateFile';
import { checkCustomGroup, checkGroupChange, checkNewGroup, grantCovers } from './privilegeGroups';
import { type RbacMeta, backupOf, restoreInto } from './rbacMeta';

export const ROOT = 'root';
export const ADMIN_ROLE = 'admin';
export const PUBLIC_ROLE = 'public';
const USER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const OBJECT_TYPES = new Set(['Collection', 'Global', 'User']);
/** What `public` may do in Milvus: look at collections and indexes. */
const PUBLIC_GRANTS: Grant[] = [
  { objectType: 'Global', objectName: '*', privilege: 'DescribeCollection', dbName: '*' },
  { objectType: 'Global', objectName: '*', privilege: 'ShowCollections', dbName: '*' },
  { objectType: 'Collection', objectName: '*', privilege: 'IndexDetail', dbName: '*' },
];

export interface Grant {
  objectType: string;
  objectName: string;
  privilege: string;
  dbName: string;
}

export interface UserEntry {
  salt: string;
  hash: string;
  roles: string[];
  createdAt: number;
}

export interface AccessState {
  formatVersion: 1;
  users: Record<string, UserEntry>;
  roles: Record<string, { grants: Grant[] }>;
  /** Custom privilege groups: name → privileges (absent in files written before they existed). */
  privilegeGroups?: Record<string, string[]>;
}

/** What a request needs: a privilege on an object (a collection, a user, or the instance). */
export interface Need {
  privilege: string;
  objectType: 'Collection' | 'Global' | 'User';
  objectName: string;
  dbName: string;
}

export class AccessControl {
  /** Tokens already checked (a digest of the token → user), so scrypt runs once per token. */
  private readonly verified = new Map<string, string>();

  private constructor(private readonly state: StateFile<AccessState>) {}

  /**
   * Opens `<dir>/access.json` (memory only without a dir). `rootPassword`, if given, becomes
   * root's password (the --root-password flag); on a first start without one, root gets a
   * random password, returned so the caller can print it once.
   */
  static async open(dir: string | undefined, rootPassword?: string): Promise<{ access: AccessControl; generatedRootPassword?: string }> {
    const initial: AccessState = { formatVersion: 1, users: {}, roles: { [ADMIN_ROLE]: { grants: [] }, [PUBLIC_ROLE]: { grants: [] } } };
    const access = new AccessControl(await StateFile.open(dir ? path.join(dir, 'access.json') : undefined, initial));
    let generated: string | undefined;
    const root = access.state.value.users[ROOT];
    if (rootPassword !== undefined || !root) {
      if (rootPassword === undefined) generated = randomBytes(12).toString('base64url');
      const password = checkPassword(rootPassword ?? generated, 'root password');
      await access.state.update((s) => void (s.users[ROOT] = { ...hashed(password), roles: [ADMIN_ROLE], createdAt: root?.createdAt ?? Date.now() }));
    }
    return { access, ...(generated ? { generatedRootPassword: generated } : {}) };
  }

  /** The user a `user:password` token names, if the password is right. */
  authenticate(token: string): string | undefined {
    const key = digest(token);
    const known = this.verified.get(key);
    if (known !== undefined) return known;
    const colon = token.indexOf(':');
    if (colon <= 0) return undefined;
    const name = token.slice(0, colon);
    const user = this.state.value.users[name];
    if (!user || !passwordMatches(user, token.slice(colon + 1))) return undefined;
    this.verified.set(key, name);
    return name;
  }

  /** Throws Milvus's "privilege not permitted" unless `user` may do `need`. */
  authorize(user: string, need: Need): void {
    if (this.allowed(user, need)) return;
    throw new EngineError(
      ErrorCode.PermissionDenied,
      `PrivilegeNotPermitted: user "${user}" lacks privilege ${need.privilege} on ${need.objectType} "${need.objectName}" in database "${need.dbName}"; ask an admin to grant it to one of the user's roles`,
    );
  }

  private allowed(user: string, need: Need): boolean {
    const entry = this.state.value.users[user];
    if (!entry) return false;
    if (user === ROOT || entry.roles.includes(ADMIN_ROLE)) return true;
    // Users may always change their own password and see their own roles.
    if (need.objectType === 'User' && need.objectName === user && (need.privilege === 'UpdateUser' || need.privilege === 'SelectUser')) return true;
    const grants = [...PUBLIC_GRANTS, ...[PUBLIC_ROLE, ...entry.roles].flatMap((r) => this.state.value.roles[r]?.grants ?? [])];
    const groups = this.state.value.privilegeGroups ?? {};
    return grants.some(
      (g) =>
        g.objectType === need.objectType &&
        (g.objectName === '*' || g.objectName === need.objectName) &&
        (g.dbName === '*' || g.dbName === need.dbName) &&
        grantCovers(g.privilege, need.privilege, groups),
    );
  }

  // ---- users -----------------------------------------------------------------------------

  listUsers(): string[] {
    return Object.keys(this.state.value.users).sort();
  }

  describeUser(name: string): string[] {
    return [...this.user(name).roles];
  }

  async createUser(name: string, password: string): Promise<void> {
    if (typeof name !== 'string' || !USER_NAME.test(name)) {
      throw invalid(`user name ${JSON.stringify(name)} is invalid: start with a letter or underscore, then letters, digits or underscores (at most 32)`);
    }
    const pw = checkPassword(password, 'password');
    await this.state.update((s) => {
      if (s.users[name]) throw invalid(`user "${name}" already exists`);
      s.users[name] = { ...hashed(pw), roles: [], createdAt: Date.now() };
    });
  }

  /** Milvus asks for the old password too, unless an admin resets it. */
  async updatePassword(name: string, oldPassword: string | undefined, newPassword: string, byAdmin: boolean): Promise<void> {
    const user = this.user(name);
    if (!byAdmin && (oldPassword === undefined || !passwordMatches(user, oldPassword))) {
      throw invalid(`old password for user "${name}" is not correct`);
    }
    const pw = checkPassword(newPassword, 'newPassword');
    await this.state.update((s) => Object.assign(s.users[name], hashed(pw)));
    this.forget(name);
  }

  async dropUser(name: string): Promise<void> {
    this.user(name);
    if (name === ROOT) throw invalid('user "root" cannot be dropped');
    await this.state.update((s) => void delete s.users[name]);
    this.forget(name);
  }

  async grantRole(userName: string, roleName: string): Promise<void> {
    this.user(userName);
    this.role(roleName);
    await this.state.update((s) => {
      const roles = s.users[userName].roles;
      if (!roles.includes(roleName)) roles.push(roleName);
    });
  }

  async revokeRole(userName: string, roleName: string): Promise<void> {
    this.user(userName);
    this.role(roleName);
    if (userName === ROOT && roleName === ADMIN_ROLE) throw invalid('root keeps the admin role');
    await this.state.update((s) => {
      s.users[userName].roles = s.users[userName].roles.filter((r) => r !== roleName);
    });
  }

  // ---- roles -----------------------------------------------------------------------------

  listRoles(): string[] {
    return Object.keys(this.state.value.roles).sort();
  }

  describeRole(name: string): Array<Grant & { grantor: string }> {
    const grants = name === PUBLIC_ROLE ? [...PUBLIC_GRANTS, ...this.role(name).grants] : this.role(name).grants;
    return grants.map((g) => ({ ...g, grantor: ROOT }));
  }

  async createRole(name: string): Promise<void> {
    if (typeof name !== 'string' || !ROLE_NAME.test(name)) {
      throw invalid(`role name ${JSON.stringify(name)} is invalid: start with a letter or underscore, then letters, digits or underscores`);
    }
    await this.state.update((s) => {
      if (s.roles[name]) throw invalid(`role "${name}" already exists`);
      s.roles[name] = { grants: [] };
    });
  }

  async dropRole(name: string): Promise<void> {
    this.role(name);
    if (name === ADMIN_ROLE || name === PUBLIC_ROLE) throw invalid(`the built-in role "${name}" cannot be dropped`);
    await this.state.update((s) => {
      delete s.roles[name];
      for (const u of Object.values(s.users)) u.roles = u.roles.filter((r) => r !== name);
    });
  }

  async grantPrivilege(roleName: string, grant: Grant): Promise<void> {
    this.role(roleName);
    checkGrant(grant);
    await this.state.update((s) => {
      const grants = s.roles[roleName].grants;
      if (!grants.some((g) => sameGrant(g, grant))) grants.push({ ...grant });
    });
  }

  async revokePrivilege(roleName: string, grant: Grant): Promise<void> {
    this.role(roleName);
    checkGrant(grant);
    await this.state.update((s) => {
      s.roles[roleName].grants = s.roles[roleName].grants.filter((g) => !sameGrant(g, grant));
    });
  }

  // ---- privilege groups ------------------------------------------------------------------

  listPrivilegeGroups(): Array<{ name: string; privileges: string[] }> {
    return Object.entries(this.state.value.privilegeGroups ?? {}).map(([name, privileges]) => ({ name, privileges: [...privileges] }));
  }

  async createPrivilegeGroup(name: string): Promise<void> {
    await this.state.update((s) => {
      s.privilegeGroups ??= {};
      s.privilegeGroups[checkNewGroup(name, s.privilegeGroups)] = [];
    });
  }

  /** Milvus refuses to drop a group a role still holds. */
  async dropPrivilegeGroup(name: string): Promise<void> {
    await this.state.update((s) => {
      s.privilegeGroups ??= {};
      const n = checkCustomGroup(name, s.privilegeGroups);
      const holder = Object.entries(s.roles).find(([, r]) => r.grants.some((g) => g.privilege === n));
      if (holder) throw invalid(`privilege group [${n}] is used by role [${holder[0]}], Use REVOKE API to revoke it first`);
      delete s.privilegeGroups[n];
    });
  }

  async changePrivilegeGroup(name: string, privileges: string[], change: 'add' | 'remove'): Promise<void> {
    await this.state.update((s) => {
      s.privilegeGroups ??= {};
      const n = checkCustomGroup(name, s.privilegeGroups);
      checkGroupChange(n, privileges, change === 'add', s.privilegeGroups);
      const kept = s.privilegeGroups[n].filter((p) => !privileges.includes(p));
      s.privilegeGroups[n] = change === 'add' ? [...kept, ...new Set(privileges)] : kept;
    });
  }

  // ---- backup and restore ----------------------------------------------------------------

  backupRbac(): RbacMeta {
    return backupOf(this.state.value);
  }

  async restoreRbac(meta: RbacMeta): Promise<void> {
    await this.state.update((s) => restoreInto(s, meta));
    for (const u of meta.users) this.forget(u.name);
  }

  private user(name: string): Readonly<UserEntry> {
    const u = this.state.value.users[name];
    if (!u) throw new EngineError(ErrorCode.UserNotFound, `user not found: "${name}"`);
    return u;
  }

  private role(name: string): Readonly<{ grants: Grant[] }> {
    const r = this.state.value.roles[name];
    if (!r) throw invalid(`role not found: "${name}"`);
    return r;
  }

  private forget(name: string): void {
    for (const [k, v] of this.verified) if (v === name) this.verified.delete(k);
  }
}

function checkPassword(p: unknown, what: string): string {
  if (typeof p !== 'string' || p.length < 6 || p.length > 256) throw invalid(`${what} must be a string of 6 to 256 characters`);
  return p;
}

function checkGrant(g: Grant): void {
  if (!OBJECT_TYPES.has(g.objectType)) throw invalid(`objectType must be Collection, Global or User, got ${JSON.stringify(g.objectType)}`);
  for (const k of ['objectName', 'privilege', 'dbName'] as const) {
    if (typeof g[k] !== 'string' || g[k] === '') throw invalid(`${k} must be a non-empty string`);
  }
}

function sameGrant(a: Grant, b: Grant): boolean {
  return a.objectType === b.objectType && a.objectName === b.objectName && a.privilege === b.privilege && a.dbName === b.dbName;
}

function hashed(password: string): { salt: string; hash: string } {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), hash: scryptSync(password, salt, 32).toString('base64') };
}

function passwordMatches(user: Readonly<UserEntry>, password: string): boolean {
  const expected = Buffer.from(user.hash, 'base64');
  return timingSafeEqual(scryptSync(password, Buffer.from(user.salt, 'base64'), expected.length), expected);
}

function digest(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64');
}
