import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import type { LoginProfile } from '../../src/model/live.js';
import { checkStaleness, type CurrentFacts } from '../../src/plan/staleness.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile, documentOf } from '../support/builders.js';

const SHA = 'a'.repeat(64);
const CALLER = 'arn:aws:iam::123456789012:user/admin';

const live = liveState({
  passwordPolicy: { ...CIS_POLICY, minimumLength: 8 },
  users: [liveUser('alice', null), liveUser('bob', profile())],
});
const plan = diff(
  desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY }, users: [{ name: 'alice' }, { name: 'bob', console: false }] }),
  live,
);
const doc = documentOf(plan, { file: 'iampass.yaml', sha256: SHA }, live);

/** What apply would read if nothing had changed. */
function unchanged(overrides: Partial<CurrentFacts> = {}): CurrentFacts {
  return {
    configSha256: SHA,
    configFile: 'iampass.yaml',
    account: '123456789012',
    callerArn: CALLER,
    passwordPolicy: { ...CIS_POLICY, minimumLength: 8 },
    profiles: new Map<string, LoginProfile | null>([
      ['alice', null],
      ['bob', profile()],
    ]),
    ...overrides,
  };
}

describe('whether a saved plan still holds', () => {
  const cases: Array<[string, Partial<CurrentFacts>, string[]]> = [
    ['nothing changed', {}, []],
    [
      'a profile appeared for a user the plan would give one',
      { profiles: new Map([['alice', profile()], ['bob', profile()]]) },
      ['user alice: login profile was absent, now present (created 2026-01-02T03:04:05.000Z, no reset pending)'],
    ],
    [
      'a profile was replaced since (new create date)',
      { profiles: new Map([['alice', null], ['bob', { ...profile(), createDate: '2026-11-01T00:00:00.000Z' }]]) },
      [
        'user bob: login profile was present (created 2026-01-02T03:04:05.000Z, no reset pending), now present (created 2026-11-01T00:00:00.000Z, no reset pending)',
      ],
    ],
    [
      'a reset became pending',
      { profiles: new Map([['alice', null], ['bob', profile(true)]]) },
      ['user bob: login profile was present (created 2026-01-02T03:04:05.000Z, no reset pending), now present (created 2026-01-02T03:04:05.000Z, reset pending)'],
    ],
    [
      'the policy changed',
      { passwordPolicy: { ...CIS_POLICY, minimumLength: 10, maxAgeDays: null } },
      ['password policy: minimumLength was 8, now 10; maxAgeDays was 90, now never'],
    ],
    ['the policy was deleted', { passwordPolicy: null }, ['password policy: was a custom policy, now deleted (the AWS default is in force)']],
    [
      'a user moved to another path (it may be out of scope now)',
      { paths: new Map([['alice', '/'], ['bob', '/contractors/']]) },
      ['user bob: path was /, now /contractors/'],
    ],
    ['a user was deleted', { paths: new Map([['alice', '/']]) }, ['user bob: no longer exists']],
    [
      'the config file changed',
      { configSha256: 'b'.repeat(64) },
      ['the configuration changed: iampass.yaml has sha256 bbbbbbbbbbbb, the plan was made from iampass.yaml with sha256 aaaaaaaaaaaa'],
    ],
    [
      'the config file is gone',
      { configSha256: null, configProblem: 'no such file (pass -c FILE to name it)' },
      ['the configuration iampass.yaml cannot be checked: no such file (pass -c FILE to name it)'],
    ],
  ];
  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(checkStaleness(doc, unchanged(overrides)).changes).toEqual(expected);
  });

  it('stops at a different account: nothing else it read describes the planned account', () => {
    const result = checkStaleness(doc, {
      configSha256: SHA,
      configFile: 'iampass.yaml',
      account: '210987654321',
      callerArn: 'arn:aws:iam::210987654321:user/admin',
    });
    expect(result.changes).toEqual([
      'the account changed: the plan is for account 123456789012, the credentials are for account 210987654321 (arn:aws:iam::210987654321:user/admin)',
    ]);
  });

  it('names every difference at once', () => {
    const result = checkStaleness(doc, unchanged({ configSha256: 'b'.repeat(64), passwordPolicy: null, profiles: new Map([['alice', profile()], ['bob', null]]) }));
    expect(result.changes).toHaveLength(4);
  });

  it('notes, but accepts, a different caller in the same account (a read-only role plans, a write role applies)', () => {
    const result = checkStaleness(doc, unchanged({ callerArn: 'arn:aws:sts::123456789012:assumed-role/iampass-apply/ci' }));
    expect(result.changes).toEqual([]);
    expect(result.notes).toEqual([`planned as ${CALLER}, applying as arn:aws:sts::123456789012:assumed-role/iampass-apply/ci`]);
  });

  it('compares creation dates as instants, not as text', () => {
    const sameInstant = new Map([['alice', null], ['bob', { ...profile(), createDate: '2026-01-02T03:04:05Z' }]]);
    expect(checkStaleness(doc, unchanged({ profiles: sameInstant })).changes).toEqual([]);
  });
});

describe('a saved rotation', () => {
  const rotatingLive = liveState({ users: [liveUser('erin', profile(false), { rotation: 'r1' })] });
  const rotation = diff(desiredState({ users: [{ name: 'erin', rotation: 'r2' }] }), rotatingLive);
  const saved = documentOf(rotation, { file: 'iampass.yaml', sha256: SHA }, rotatingLive);
  const now = (token: string | null): CurrentFacts => ({
    configSha256: SHA,
    configFile: 'iampass.yaml',
    account: '123456789012',
    callerArn: CALLER,
    passwordPolicy: null,
    profiles: new Map([['erin', profile(false)]]),
    paths: new Map([['erin', '/']]),
    tags: new Map<string, Record<string, string>>([['erin', token === null ? {} : { 'iampass:rotation': token }]]),
  });

  it('records the token it was planned against', () => {
    expect(saved.basis.users).toEqual([{ name: 'erin', path: '/', tags: {}, loginProfile: profile(false), rotation: 'r1' }]);
  });

  it('still holds while the token on the user is unchanged', () => {
    expect(checkStaleness(saved, now('r1')).changes).toEqual([]);
  });

  it('is stale once someone else recorded a token (e.g. another apply rotated first)', () => {
    expect(checkStaleness(saved, now('r2')).changes).toEqual(['user erin: rotation token was "r1", now "r2"']);
    expect(checkStaleness(saved, now(null)).changes).toEqual(['user erin: rotation token was "r1", now not recorded']);
  });
});
