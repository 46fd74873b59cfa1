import type { DesiredState, Scope } from './desired.js';

/**
 * What the IAM reader needs to know of a desired state, and nothing more: which account, which users are in scope,
 * which are listed, and whose rotation token to read. Narrow on purpose: the reader never sees passwords, keys,
 * defaults or advisories, and an organization run builds one per account without keeping whole states around.
 *
 * Invariant: `listed` and `rotating` are sorted and unique; every `rotating` name is also in `listed`.
 */
export interface ReadRequest {
  /** The only account the read may describe, or `null` for whichever the credentials are for. */
  account: string | null;
  scope: Scope;
  listed: readonly string[];
  /**
   * Listed users with console access whose entry sets a rotation token: their `iampass:rotation` tag is read.
   * `all`: every governed user's (import, adopting users into a file that rotates).
   */
  rotating: readonly string[] | 'all';
}

export function readRequestOf(desired: DesiredState): ReadRequest {
  return {
    account: desired.account,
    scope: desired.scope,
    listed: desired.users.map((u) => u.name),
    rotating: desired.users.filter((u) => u.console && u.rotation !== null).map((u) => u.name),
  };
}
