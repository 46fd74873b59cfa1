/**
 * Which live users a file governs: pure, so the reader only fetches and this decides. A user is in scope when its
 * path starts with `scope.pathPrefix` and it carries every `scope.tags` pair. The file governs listed users (which
 * must be in scope) and, under `unlisted: disable`, every other in-scope user too.
 */
import type { ReadRequest } from '../model/read-request.js';
import { createSuggester, type Suggester } from '../util/suggest.js';

/** The facts about a live user that scope depends on. `tags` is undefined when they were not read. */
export interface ScopeCandidate {
  name: string;
  path: string;
  tags?: Readonly<Record<string, string>>;
}

/**
 * A name in the file that matches nothing it can govern: a listed user that does not exist or is outside `scope`,
 * or a `scope.protected` name that matches no user (a typo there would leave the intended user unprotected).
 */
export interface UnresolvedUser {
  name: string;
  problem: 'missing' | 'out-of-scope' | 'protected-missing';
  /** For `missing` and `protected-missing`: the closest existing name, if any. For `out-of-scope`: why the scope excludes it. */
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

export function pathInScope(request: Pick<ReadRequest, 'scope'>, path: string): boolean {
  return request.scope.pathPrefix === null || path.startsWith(request.scope.pathPrefix);
}

export function needsTags(request: Pick<ReadRequest, 'scope'>): boolean {
  return Object.keys(request.scope.tags).length > 0;
}

export function resolveScope(request: ReadRequest, users: readonly ScopeCandidate[]): ScopeResolution {
  const { scope } = request;
  const wantedTags = Object.entries(scope.tags);
  const inScope = (u: ScopeCandidate) =>
    pathInScope(request, u.path) && wantedTags.every(([k, v]) => u.tags?.[k] === v);
  const listed = new Set(request.listed);
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
  const closest = (name: string) => (suggester ??= createSuggester(users.map((u) => u.name))).closest(name) ?? null;
  for (const name of request.listed) {
    const user = byName.get(name);
    if (!user) {
      resolution.unresolved.push({ name, problem: 'missing', detail: closest(name) });
    } else if (!inScope(user)) {
      resolution.unresolved.push({ name, problem: 'out-of-scope', detail: whyOutOfScope(request, user) });
    }
  }
  for (const name of scope.protected) {
    if (!byName.has(name)) resolution.unresolved.push({ name, problem: 'protected-missing', detail: closest(name) });
  }
  return resolution;
}

/** Why the scope leaves `user` out, or `null` when it is in scope. */
export function scopeExclusion(request: ReadRequest, user: ScopeCandidate): string | null {
  const wanted = Object.entries(request.scope.tags);
  return pathInScope(request, user.path) && wanted.every(([k, v]) => user.tags?.[k] === v) ? null : whyOutOfScope(request, user);
}

function whyOutOfScope(request: ReadRequest, user: ScopeCandidate): string {
  const { pathPrefix } = request.scope;
  if (!pathInScope(request, user.path)) return `its path ${user.path} is outside scope.pathPrefix ${pathPrefix}`;
  const missing = Object.entries(request.scope.tags)
    .filter(([k, v]) => user.tags?.[k] !== v)
    .map(([k, v]) => `${k}=${v}`);
  return `it lacks the scope tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
}
