// Milvus's RBAC backup: every user but root (with its password hash and roles), every role but
// the built-in ones, their grants and the custom privilege groups; and its restore into another
// (or the same) instance. A restore is refused whole, changing nothing, when it names a role
// that already exists (as Milvus's CreateRole refuses); users and groups it names are replaced.

import { invalid } from '../errors';
import type { AccessState, Grant } from './accessControl';
import { ADMIN_ROLE, PUBLIC_ROLE, ROOT } from './accessControl';

export interface RbacMeta {
  /** `password` is the stored hash (`scrypt$<salt>$<hash>`), never the password itself. */
  users: Array<{ name: string; password: string; roles: string[] }>;
  roles: string[];
  grants: Array<Grant & { role: string }>;
  privilegeGroups: Array<{ name: string; privileges: string[] }>;
}

const HASH = /^scrypt\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

export function backupOf(s: Readonly<AccessState>): RbacMeta {
  const builtIn = (r: string): boolean => r === ADMIN_ROLE || r === PUBLIC_ROLE;
  const roles = Object.keys(s.roles).filter((r) => !builtIn(r)).sort();
  return {
    users: Object.entries(s.users)
      .filter(([name]) => name !== ROOT)
      .map(([name, u]) => ({ name, password: `scrypt$${u.salt}$${u.hash}`, roles: [...u.roles] })),
    roles,
    grants: roles.flatMap((role) => s.roles[role].grants.map((g) => ({ role, ...g }))),
    privilegeGroups: Object.entries(s.privilegeGroups ?? {}).map(([name, privileges]) => ({ name, privileges: [...privileges] })),
  };
}

/** Applies `meta` to a draft of the state; throws (the draft then discarded) on a conflict or bad entry. */
export function restoreInto(draft: AccessState, meta: RbacMeta): void {
  for (const role of meta.roles) {
    if (draft.roles[role]) throw invalid(`cannot restore RBAC meta: role "${role}" already exists; drop it first`);
    draft.roles[role] = { grants: [] };
  }
  draft.privilegeGroups ??= {};
  for (const g of meta.privilegeGroups) draft.privilegeGroups[g.name] = [...new Set(g.privileges)];
  meta.grants.forEach((g, i) => {
    const role = draft.roles[g.role];
    if (!role) throw invalid(`cannot restore RBAC meta: grant ${i} names role "${g.role}", which neither exists nor is restored`);
    const { role: _role, ...grant } = g;
    if (!role.grants.some((e) => e.objectType === grant.objectType && e.objectName === grant.objectName && e.privilege === grant.privilege && e.dbName === grant.dbName)) {
      role.grants.push(grant);
    }
  });
  for (const u of meta.users) {
    if (u.name === ROOT) throw invalid('cannot restore RBAC meta: user "root" is never restored');
    const m = HASH.exec(u.password);
    if (!m) throw invalid(`cannot restore RBAC meta: user "${u.name}" has no password hash from a Loupe backup (expected scrypt$<salt>$<hash>)`);
    for (const r of u.roles) if (!draft.roles[r]) throw invalid(`cannot restore RBAC meta: user "${u.name}" holds role "${r}", which neither exists nor is restored`);
    draft.users[u.name] = { salt: m[1], hash: m[2], roles: [...new Set(u.roles)], createdAt: draft.users[u.name]?.createdAt ?? Date.now() };
  }
}
