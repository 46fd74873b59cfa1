import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit } from '../util/pool.js';
import type { DesiredState } from '../model/desired.js';

/**
 * Applies the `defaults.pgpKeyDir` convention: a user without `pgpKey` whose `<dir>/<user>.asc` exists gets it.
 * Kept apart from parsing, which is pure: this looks at the file system.
 */
export async function resolveKeyDirectory(state: DesiredState): Promise<DesiredState> {
  const dir = state.defaults.pgpKeyDir;
  if (dir === null) return state;
  const users = await mapLimit(
    state.users,
    32,
    async (u) => {
      if (u.pgpKey !== null) return u;
      const candidate = join(dir, `${u.name}.asc`);
      const exists = await access(candidate).then(
        () => true,
        () => false,
      );
      return exists ? { ...u, pgpKey: candidate } : u;
    },
  );
  return { ...state, users };
}

/** The keys of users who may be given a generated password (console: true): checked before any IAM call. */
export function configuredKeys(desired: DesiredState): string[] {
  return [...new Set(desired.users.flatMap((u) => (u.console && u.password.kind === 'generate' && u.pgpKey !== null ? [u.pgpKey] : [])))];
}
