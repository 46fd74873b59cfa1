import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/model/desired.js';
import { diff } from '../../src/plan/diff.js';
import type { PlanDocument } from '../../src/plan/document.js';
import { savedPlanDifferences } from '../../src/plan/verify-saved.js';
import { CIS_POLICY, desiredState, documentOf, liveState, liveUser, profile } from '../support/builders.js';

const CONFIG = { file: 'iampass.yaml', sha256: 'a'.repeat(64) };
const ALICE_KEY = '/work/keys/alice.asc';
const ALICE_FPR = 'A'.repeat(40);

/**
 * A scoped file: alice gets console access (encrypted to her key), bob loses it, carol rotates with a supplied
 * password, dave's pending reset is cleared. admin (the caller) lives outside the scope.
 */
function fixture(): { desired: DesiredState; doc: PlanDocument } {
  const staff = { path: '/staff/', tags: { team: 'platform' } };
  const desired = desiredState({
    passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
    scope: { pathPrefix: '/staff/', tags: { team: 'platform' } },
    users: [
      { name: 'alice', pgpKey: ALICE_KEY },
      { name: 'bob', console: false },
      { name: 'carol', rotation: 'r2', password: { kind: 'env', name: 'CAROL_PASSWORD' } },
      { name: 'dave', passwordResetRequired: false },
    ],
  });
  const live = liveState({
    passwordPolicy: { ...CIS_POLICY, minimumLength: 8 },
    users: [
      liveUser('alice', null, staff),
      liveUser('bob', profile(), staff),
      liveUser('carol', profile(), { ...staff, rotation: 'r1' }),
      liveUser('dave', profile(true), staff),
    ],
  });
  const plan = diff(desired, live);
  return { desired, doc: documentOf(plan, CONFIG, live, { desired, keys: [{ path: ALICE_KEY, fingerprint: ALICE_FPR }] }) };
}

function differences(edit: (doc: PlanDocument) => void, fingerprint = ALICE_FPR): string[] {
  const { desired, doc } = fixture();
  const edited = JSON.parse(JSON.stringify(doc)) as PlanDocument;
  edit(edited);
  return savedPlanDifferences(edited, { desired, configDir: '/work', fingerprints: new Map([[ALICE_KEY, fingerprint]]) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into the JSON as an attacker would
type Json = any;
const action = (doc: PlanDocument, user: string): Json => doc.actions.find((a) => 'user' in a && a.user === user);

describe('a saved plan, recomputed from its configuration and recorded live values', () => {
  it('matches itself when nobody edited it', () => {
    expect(differences(() => {})).toEqual([]);
  });

  const edits: Array<[string, (doc: PlanDocument) => void, string[]]> = [
    [
      'an added removal of the console access of the caller, who is outside the scope',
      (doc) => {
        doc.actions.push({ kind: 'delete-login-profile', user: 'admin', before: profile(), after: null, reason: 'listed with console: false', passwordLastUsed: null });
        doc.basis.users.push({ name: 'admin', path: '/', tags: {}, loginProfile: profile() });
      },
      [
        'user admin: the plan acts on it, but the configuration does not govern it (its path / is outside scope.pathPrefix /staff/)',
        'action 6: the plan has delete-login-profile admin, which the configuration does not give',
      ],
    ],
    [
      'the same removal with a path forged into the scope (the live recheck catches the path)',
      (doc) => {
        doc.actions.push({ kind: 'delete-login-profile', user: 'admin', before: profile(), after: null, reason: 'listed with console: false', passwordLastUsed: null });
        doc.basis.users.push({ name: 'admin', path: '/staff/', tags: { team: 'platform' }, loginProfile: profile() });
      },
      [
        'user admin: the plan acts on it, but the configuration does not govern it (it is in scope but not listed, and scope.unlisted is ignore)',
        'action 6: the plan has delete-login-profile admin, which the configuration does not give',
      ],
    ],
    [
      'a rotation turned into a removal',
      (doc) => {
        const i = doc.actions.findIndex((a) => 'user' in a && a.user === 'carol');
        doc.actions[i] = { kind: 'delete-login-profile', user: 'carol', before: profile(), after: null, reason: 'listed with console: false', passwordLastUsed: null };
      },
      ['action 3: the plan has delete-login-profile carol, the configuration gives update-login-profile carol'],
    ],
    [
      "a delivery key swapped for an attacker's",
      (doc) => {
        action(doc, 'alice').delivery.key = 'keys/mallory.asc';
        doc.keys = [{ path: 'keys/mallory.asc', fingerprint: 'B'.repeat(40) }];
      },
      [
        'action 2 (create-login-profile alice): delivery.key is "keys/mallory.asc" in the plan, "keys/alice.asc" from the configuration',
        'key keys/alice.asc: a delivery encrypts to it, but the plan records no fingerprint for it',
        'key keys/mallory.asc: the plan records it, but no delivery the configuration gives uses it',
      ],
    ],
    [
      'a reset flag turned off',
      (doc) => {
        action(doc, 'alice').after.passwordResetRequired = false;
      },
      ['action 2 (create-login-profile alice): after.passwordResetRequired is false in the plan, true from the configuration'],
    ],
    [
      'a password source switched to another environment variable',
      (doc) => {
        action(doc, 'carol').after.password.name = 'ATTACKER_CHOSEN';
      },
      ['action 3 (update-login-profile carol): after.password.name is "ATTACKER_CHOSEN" in the plan, "CAROL_PASSWORD" from the configuration'],
    ],
    [
      'a generated password turned into a supplied one, so nobody is delivered the new password',
      (doc) => {
        action(doc, 'alice').after.password = { kind: 'file', path: 'known.txt' };
        action(doc, 'alice').delivery = { kind: 'supplied' };
      },
      [
        'action 2 (create-login-profile alice): after.password.kind is "file" in the plan, "generate" from the configuration',
        'action 2 (create-login-profile alice): after.password.path is "known.txt" in the plan, absent from the configuration',
        'action 2 (create-login-profile alice): after.password.length is absent in the plan, 20 from the configuration',
        'action 2 (create-login-profile alice): delivery.kind is "supplied" in the plan, "pgp" from the configuration',
        'action 2 (create-login-profile alice): delivery.key is absent in the plan, "keys/alice.asc" from the configuration',
      ],
    ],
    [
      'two actions swapped: removals before grants',
      (doc) => {
        const [first, second] = [doc.actions[1], doc.actions[4]];
        doc.actions[1] = second as PlanDocument['actions'][number];
        doc.actions[4] = first as PlanDocument['actions'][number];
      },
      [
        'action 2: the plan has delete-login-profile bob, the configuration gives create-login-profile alice',
        'action 5: the plan has create-login-profile alice, the configuration gives delete-login-profile bob',
      ],
    ],
    [
      'a weaker password policy than the file says',
      (doc) => {
        (doc.actions[0] as Json).after.minimumLength = 6;
      },
      ['action 1 (update-password-policy): after.minimumLength is 6 in the plan, 14 from the configuration'],
    ],
    [
      'a recorded profile forged so the recomputation agrees with an added action (the live recheck catches the profile)',
      (doc) => {
        action(doc, 'dave').after.passwordResetRequired = true;
      },
      ['action 4 (update-login-profile dave): after.passwordResetRequired is true in the plan, false from the configuration'],
    ],
  ];

  it.each(edits)('refuses %s, naming the difference', (_name, edit, expected) => {
    expect(differences(edit)).toEqual(expected);
  });

  it('refuses a delivery key whose file changed since the plan, by fingerprint', () => {
    expect(differences(() => {}, 'C'.repeat(40))).toEqual([`key keys/alice.asc changed since the plan: fingerprint was ${ALICE_FPR}, now ${'C'.repeat(40)}`]);
  });

  it('refuses a plan for another account than the file governs', () => {
    const { doc } = fixture();
    const desired = { ...fixture().desired, account: '999999999999' };
    expect(savedPlanDifferences(doc, { desired, configDir: '/work', fingerprints: new Map([[ALICE_KEY, ALICE_FPR]]) })).toEqual([
      'the plan is for account 123456789012, but the configuration governs account 999999999999',
    ]);
  });

  it('reads paths relative to the config directory, so a plan made in one checkout applies in another', () => {
    const { desired, doc } = fixture();
    const moved: DesiredState = { ...desired, users: desired.users.map((u) => (u.pgpKey ? { ...u, pgpKey: u.pgpKey.replace('/work/', '/elsewhere/') } : u)) };
    expect(doc.keys).toEqual([{ path: 'keys/alice.asc', fingerprint: ALICE_FPR }]);
    expect(savedPlanDifferences(doc, { desired: moved, configDir: '/elsewhere', fingerprints: new Map([['/elsewhere/keys/alice.asc', ALICE_FPR]]) })).toEqual([]);
  });
});
