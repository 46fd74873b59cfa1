import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import { AWS_DEFAULT_PASSWORD_RULES, passwordProblems, rulesOfPolicy } from '../../src/model/policy.js';
import type { Action } from '../../src/model/plan.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';

const CIS_RULES = rulesOfPolicy(CIS_POLICY, 'desired policy');

describe('passwordProblems', () => {
  it.each([
    ['a password meeting the CIS policy', 'Abcdefgh1234!x', CIS_RULES, []],
    ['too short', 'Ab1!', CIS_RULES, ['shorter than 14 characters (desired policy)']],
    ['missing symbols and numbers', 'Abcdefghijklmnop', CIS_RULES, ['has no numbers, no symbols (desired policy)', 'uses 2 of the character classes, 4 needed (desired policy)']],
    ['a symbol IAM does not count (~)', 'Abcdefghijk12~~', CIS_RULES, ['has no symbols (desired policy)', 'uses 3 of the character classes, 4 needed (desired policy)']],
    ['characters IAM refuses', 'Abcdefghij12!\u2603', CIS_RULES, ['contains characters IAM does not accept (only tab, newlines and U+0020-U+00FF)']],
    ['the AWS default: any three classes', 'abcdefg1!', AWS_DEFAULT_PASSWORD_RULES, []],
    ['the AWS default: two classes are not enough', 'abcdefgh1', AWS_DEFAULT_PASSWORD_RULES, ['uses 2 of the character classes, 3 needed (AWS default)']],
  ] as const)('%s', (_name, password, rules, expected) => {
    const problems = passwordProblems(password, rules);
    expect(problems).toEqual(expected);
    for (const p of problems) expect(p).not.toContain(password);
  });
});

/** The rotation-related shape of an action. */
function brief(a: Action): string {
  if (a.kind === 'create-login-profile') return `create ${a.user} token=${a.after.rotation} delivery=${a.delivery.kind}`;
  if (a.kind === 'update-login-profile') {
    return a.rotation ? `rotate ${a.user} ${a.rotation.from}->${a.rotation.to} reset=${a.after.passwordResetRequired} delivery=${a.delivery?.kind}` : `update ${a.user}`;
  }
  return `${a.kind}`;
}

interface RotationCase {
  name: string;
  rotation: string | null;
  live: { profile: boolean; reset?: boolean; token: string | null };
  console?: boolean;
  expected: string[];
}

const rotationCases: RotationCase[] = [
  { name: 'records the token at creation, so the next plan is empty', rotation: 'q4', live: { profile: false, token: null }, expected: ['create u token=q4 delivery=operator'] },
  { name: 'does nothing while the recorded token matches', rotation: 'q4', live: { profile: true, token: 'q4' }, expected: [] },
  { name: 'rotates when the token changed, with the reset intent', rotation: 'q1', live: { profile: true, token: 'q4' }, expected: ['rotate u q4->q1 reset=true delivery=operator'] },
  { name: 'rotates an existing profile that has no token recorded yet', rotation: 'q4', live: { profile: true, token: null }, expected: ['rotate u null->q4 reset=true delivery=operator'] },
  {
    name: 'forces a reset on a user who chose their own password only through a rotation',
    rotation: 'q2',
    live: { profile: true, reset: false, token: 'q1' },
    expected: ['rotate u q1->q2 reset=true delivery=operator'],
  },
  { name: 'never rotates without a token', rotation: null, live: { profile: true, token: 'q4' }, expected: [] },
  { name: 'ignores the token of a user without console access', rotation: 'q4', console: false, live: { profile: false, token: null }, expected: [] },
];

describe('diff: rotation', () => {
  it.each(rotationCases)('$name', (c) => {
    const plan = diff(
      desiredState({ users: [{ name: 'u', console: c.console ?? true, rotation: c.rotation }] }),
      liveState({ users: [liveUser('u', c.live.profile ? profile(c.live.reset ?? false) : null, { rotation: c.live.token })] }),
    );
    expect(plan.actions.map(brief)).toEqual(c.expected);
  });
});

describe('diff: delivery', () => {
  it.each([
    ['a generated password with a key goes to the key', { pgpKey: '/keys/u.asc' }, 'pgp', []],
    ['a generated password without a key goes to the operator, with a warning', {}, 'operator', ['IP108']],
    ['a supplied password is not delivered again', { password: { kind: 'env', name: 'U_PASSWORD' } as const }, 'supplied', []],
  ] as const)('%s', (_name, user, delivery, warnings) => {
    const plan = diff(desiredState({ users: [{ name: 'u', ...user }] }), liveState({ users: [liveUser('u', null)] }));
    expect(plan.actions[0]).toMatchObject({ delivery: { kind: delivery } });
    expect(plan.warnings.map((w) => w.id)).toEqual(warnings);
  });

  it('never puts a password value in the plan: only references', () => {
    const plan = diff(
      desiredState({ users: [{ name: 'u', password: { kind: 'file', path: '/run/secrets/u' }, rotation: 'r1' }] }),
      liveState({ users: [liveUser('u', profile(), { rotation: 'r0' })] }),
    );
    expect(plan.actions[0]).toMatchObject({ after: { password: { kind: 'file', path: '/run/secrets/u' } } });
  });
});
