/**
 * Which live users a file governs: pure, so the reader only fetches and this decides. A user is in scope when its
 * path starts with `scope.pathPrefix` and it carries every `scope.tags` pair. The file governs listed users (which
 * must be in scope) and, under `unlisted: disable`, every other in-scope user too.
 */
import { createSuggester, type Suggester } from '../util/suggest.js';
import type { DesiredState } from '../model/desired.js';

/** The facts about a live user that scope depends on. `tags` is undefined when they were not read. */
export interface ScopeCandidate {
  name: string;
  path: string;
  tags?: Readonly<Record<string, string>>;
}

/** A listed user that the file cannot govern: it does not exist, or it is outside `scope`. */
export interface UnresolvedUser {
  name: string;
  problem: 'missing' | 'out-of-scope';
  /** For `missing`: the closest existing name, if any. For `out-of-scope`: why the scope excludes it. */
  detail: string | null;
}

export interface ScopeResolution {
  /** Users whose login profiles must be read, in input order. */
  governed: string[];
  unlistedIgnored: string[];
  inScopeCount: number;
  outOfScopeCount: number;
  unresolved: UnresolvedUser[];
}

export function pathInScope(desired: DesiredState, path: string): boolean {
  return desired.scope.pathPrefix === null || path.startsWith(desired.scope.pathPrefix);
}

export function needsTags(desired: DesiredState): boolean {
  return Object.keys(desired.scope.tags).length > 0;
}

export function resolveScope(desired: DesiredState, users: readonly ScopeCandidate[]): ScopeResolution {
  const { scope } = desired;
  const wantedTags = Object.entries(scope.tags);
  const inScope = (u: ScopeCandidate) =>
    pathInScope(desired, u.path) && wantedTags.every(([k, v]) => u.tags?.[k] === v);
  const listed = new Set(desired.users.map((u) => u.name));
  const byName = new Map(users.map((u) => [u.name, u]));

  const resolution: ScopeResolution = { governed: [], unlistedIgnored: [], inScopeCount: 0, outOfScopeCount: 0, unresolved: [] };
  for (const u of users) {
    if (!inScope(u)) {
      resolution.outOfScopeCount += 1;
      continue;
    }
    resolution.inScopeCount += 1;
    if (listed.has(u.name) || scope.unlisted === 'disable') resolution.governed.push(u.name);
    else resolution.unlistedIgnored.push(u.name);
  }
  let suggester: Suggester | undefined; // built once, on the first missing name
  for (const want of desired.users) {
    const user = byName.get(want.name);
    if (!user) {
      suggester ??= createSuggester(users.map((u) => u.name));
      resolution.unresolved.push({ name: want.name, problem: 'missing', detail: suggester.closest(want.name) ?? null });
    } else if (!inScope(user)) {
      resolution.unresolved.push({ name: want.name, problem: 'out-of-scope', detail: whyOutOfScope(desired, user) });
    }
  }
  return resolution;
}

function whyOutOfScope(desired: DesiredState, user: ScopeCandidate): string {
  const { pathPrefix } = desired.scope;
  if (!pathInScope(desired, user.path)) return `its path ${user.path} is outside scope.pathPrefix ${pathPrefix}`;
  const missing = Object.entries(desired.scope.tags)
    .filter(([k, v]) => user.tags?.[k] !== v)
    .map(([k, v]) => `${k}=${v}`);
  return `it lacks the scope tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
}
