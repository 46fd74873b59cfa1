import { describe, expect, it } from 'vitest';
import { readRequestOf } from '../../src/model/read-request.js';
import { resolveScope, type ScopeCandidate } from '../../src/plan/scope.js';
import { desiredState } from '../support/builders.js';

const staff = (name: string, tags: Record<string, string> = { team: 'platform' }): ScopeCandidate => ({
  name,
  path: '/staff/',
  tags,
});

interface ScopeCase {
  name: string;
  scope: NonNullable<Parameters<typeof desiredState>[0]>['scope'];
  listed: string[];
  users: ScopeCandidate[];
  governed: string[];
  ignored: string[];
  outOfScope: number;
  unresolved?: string[];
}

const cases: ScopeCase[] = [
  {
    name: 'without a scope every user is in scope; unlisted ones are ignored by default',
    scope: {},
    listed: ['alice'],
    users: [staff('alice'), { name: 'bob', path: '/' }],
    governed: ['alice'],
    ignored: ['bob'],
    outOfScope: 0,
  },
  {
    name: 'a path prefix leaves users on other paths out of scope',
    scope: { pathPrefix: '/staff/' },
    listed: ['alice'],
    users: [staff('alice'), { name: 'ci', path: '/service/' }, staff('bob')],
    governed: ['alice'],
    ignored: ['bob'],
    outOfScope: 1,
  },
  {
    name: 'tags must all match',
    scope: { tags: { team: 'platform', env: 'prod' } },
    listed: [],
    users: [staff('a', { team: 'platform', env: 'prod' }), staff('b', { team: 'platform' }), staff('c', {})],
    governed: [],
    ignored: ['a'],
    outOfScope: 2,
  },
  {
    name: 'unlisted: disable governs every in-scope user',
    scope: { pathPrefix: '/staff/', unlisted: 'disable' },
    listed: ['alice'],
    users: [staff('alice'), staff('bob'), { name: 'ci', path: '/service/' }],
    governed: ['alice', 'bob'],
    ignored: [],
    outOfScope: 1,
  },
  {
    name: 'a listed user that does not exist is unresolved',
    scope: {},
    listed: ['alise'],
    users: [staff('alice')],
    governed: [],
    ignored: ['alice'],
    outOfScope: 0,
    unresolved: ['alise missing (alice)'],
  },
  {
    name: 'a listed user outside the path prefix is unresolved, with the reason',
    scope: { pathPrefix: '/staff/' },
    listed: ['frank'],
    users: [{ name: 'frank', path: '/contractors/' }],
    governed: [],
    ignored: [],
    outOfScope: 1,
    unresolved: ['frank out-of-scope (its path /contractors/ is outside scope.pathPrefix /staff/)'],
  },
  {
    name: 'a listed user lacking a scope tag is unresolved, naming the tag',
    scope: { tags: { team: 'platform' } },
    listed: ['erin'],
    users: [staff('erin', { team: 'data' })],
    governed: [],
    ignored: [],
    outOfScope: 1,
    unresolved: ['erin out-of-scope (it lacks the scope tag team=platform)'],
  },
  {
    name: 'a protected name that matches no user is unresolved with the closest name: a typo would leave the intended user unprotected',
    scope: { unlisted: 'disable', protected: ['rootops'] },
    listed: [],
    users: [staff('root-ops'), staff('alice')],
    governed: ['root-ops', 'alice'],
    ignored: [],
    outOfScope: 0,
    unresolved: ['rootops protected-missing (root-ops)'],
  },
  {
    name: 'a protected user outside the scope is fine: the file never touches it anyway',
    scope: { pathPrefix: '/staff/', protected: ['ci'] },
    listed: [],
    users: [{ name: 'ci', path: '/service/' }],
    governed: [],
    ignored: [],
    outOfScope: 1,
  },
];

describe('resolveScope', () => {
  it.each(cases)('$name', (c) => {
    const desired = desiredState({ scope: c.scope, users: c.listed.map((name) => ({ name })) });
    const r = resolveScope(readRequestOf(desired), c.users);
    expect(r.governed).toEqual(c.governed);
    expect(r.unlistedIgnored).toEqual(c.ignored);
    expect(r.outOfScopeCount).toBe(c.outOfScope);
    expect(r.unresolved.map((u) => `${u.name} ${u.problem} (${u.detail})`)).toEqual(c.unresolved ?? []);
  });
});
