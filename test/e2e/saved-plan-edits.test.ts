/**
 * Hand-edited saved plans through the built binary against the sandbox: each edit an attacker with a pull request's
 * plan artifact could make is refused with exit 1 and not one write (most before any call to AWS at all). The plan is
 * made once: every edit is refused, so the account never changes between tests.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlanDocument } from '../../src/plan/saved.js';
import { baseEnv, buildAccount, runCli, sandboxTarget, tempDir, writeConfig, type Target, loginProfileOf } from './harness.js';
import { ACCOUNT, CONFIG, WRITE } from './fixtures.js';

describe('hand-edited saved plans (built binary, sandbox)', () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let original: string;

  beforeAll(async () => {
    target = await sandboxTarget();
    await buildAccount(target, ACCOUNT);
    env = baseEnv(target.url);
    dir = await tempDir();
    const config = await writeConfig(dir, CONFIG);
    const saved = await runCli(['plan', '-c', config, '--out', join(dir, 'iampass.plan.json'), '--detailed-exitcode'], { env });
    expect(saved.code).toBe(2);
    original = await readFile(join(dir, 'iampass.plan.json'), 'utf8');
  });
  afterAll(async () => target.close());

  const profileOf = (user: string) => loginProfileOf(target, user);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into the JSON as an attacker would
  type Json = any;
  const edits: Array<{ name: string; edit: (doc: Json) => void; expected: string; offline: boolean }> = [
    {
      name: 'an added removal of the console access of the caller, who is outside the scope',
      edit: (doc) => {
        doc.actions.push({ kind: 'delete-login-profile', user: 'admin', reason: 'listed with console: false', before: doc.basis.users[0].loginProfile, after: null, passwordLastUsed: null });
        doc.basis.users.unshift({ name: 'admin', path: '/', tags: {}, loginProfile: doc.basis.users[0].loginProfile });
      },
      expected: 'user admin: the plan acts on it, but the configuration does not govern it (its path / is outside scope.pathPrefix /staff/)',
      offline: true,
    },
    {
      name: "the same removal with the caller's path and tags forged into the scope",
      edit: (doc) => {
        const admin = { name: 'admin', path: '/staff/', tags: { team: 'platform' }, loginProfile: doc.basis.users[0].loginProfile };
        doc.basis.users.unshift(admin);
        doc.actions.splice(2, 0, { kind: 'delete-login-profile', user: 'admin', reason: 'in scope, unlisted, and scope.unlisted is disable', before: admin.loginProfile, after: null, passwordLastUsed: null });
      },
      expected: 'user admin: path was /staff/, now /',
      offline: false,
    },
    {
      name: 'a reset flag turned off',
      edit: (doc) => {
        doc.actions[1].after.passwordResetRequired = false;
      },
      expected: 'action 2 (create-login-profile carol): after.passwordResetRequired is false in the plan, true from the configuration',
      offline: true,
    },
    {
      name: 'a generated password switched to an environment variable the attacker knows',
      edit: (doc) => {
        doc.actions[1].after.password = { kind: 'env', name: 'HOME' };
        doc.actions[1].delivery = { kind: 'supplied' };
      },
      expected: 'action 2 (create-login-profile carol): after.password.kind is "env" in the plan, "generate" from the configuration',
      offline: true,
    },
    {
      name: 'a removal turned into a reset that keeps console access',
      edit: (doc) => {
        const bob = doc.actions[2];
        doc.actions[2] = { kind: 'update-login-profile', user: 'bob', reason: bob.reason, before: bob.before, after: { ...bob.before, password: null, passwordResetRequired: false }, rotation: null, delivery: null };
      },
      expected: 'action 3: the plan has update-login-profile bob, the configuration gives delete-login-profile bob',
      offline: true,
    },
    {
      name: 'a weaker password policy',
      edit: (doc) => {
        doc.actions[0].after.minimumLength = 6;
      },
      expected: 'action 1 (update-password-policy): after.minimumLength is 6 in the plan, 14 from the configuration',
      offline: true,
    },
  ];
  edits.forEach(({ name, edit, expected, offline }, index) => {
    it(`refuses a hand-edited plan, exit 1 and not one write: ${name}`, async () => {
      const doc = JSON.parse(original);
      edit(doc);
      expect(parsePlanDocument(JSON.stringify(doc)).ok).toBe(true);
      const planFile = join(dir, `edited-${index}.plan.json`);
      await writeFile(planFile, JSON.stringify(doc));
      const [stateBefore] = await target.artefacts();
      const before = target.requests();
      const seen = target.requestLog()?.length ?? 0;
      const result = await runCli(['apply', planFile, '--password-dir', join(dir, 'passwords')], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(expected);
      expect(result.stderr).toContain('Nothing was changed.');
      expect((target.requestLog() ?? []).slice(seen).filter((l) => WRITE.test(l))).toEqual([]);
      expect((await target.artefacts())[0]).toBe(stateBefore);
      if (offline) expect(target.requests()).toBe(before);
      expect(await profileOf('admin')).not.toBeNull();
      expect(await profileOf('bob')).not.toBeNull();
    });
  });
});
