/**
 * What apply says when it cannot go ahead, in the order that helps: first whether anyone can approve, then how
 * passwords would be delivered; and a fix only names options that can work in this session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, buildAccount, runCli, sandboxTarget, tempDir, writeConfig, type Target } from './harness.js';

const WRITES = /^(Create|Update|Delete|Tag|Untag)/;

describe('apply refusals without a terminal', () => {
  let target: Target;
  let dir: string;

  beforeAll(async () => {
    target = await sandboxTarget();
    await buildAccount(target, { users: [{ name: 'dana', path: '/staff/' }] });
    dir = await tempDir();
    // dana would get a generated password with no OpenPGP key: it needs --password-dir or --reveal.
    await writeConfig(dir, 'version: 1\nscope: { pathPrefix: /staff/ }\nusers:\n  dana: { console: true }\n');
  });
  afterAll(() => target.close());

  it.each([
    {
      session: 'no flags: approval is refused first, before the delivery problem',
      args: [] as string[],
      env: {},
      says: 'apply needs approval, and there is no terminal to ask on.',
      fix: 'run again with --auto-approve',
      never: ['no way to deliver', '--reveal'],
    },
    {
      session: '--auto-approve: the delivery problem, without --reveal (no terminal here)',
      args: ['--auto-approve'],
      env: {},
      says: 'apply would set 1 generated password with no way to deliver it: dana',
      fix: 'or pass --password-dir DIR (plain text, mode 0600)\n',
      never: ['--reveal'],
    },
    {
      session: '--interactive with CI set: still no --reveal, which CI refuses',
      args: ['--auto-approve', '--interactive'],
      env: { CI: 'true' },
      says: 'no way to deliver it: dana',
      fix: 'or pass --password-dir DIR (plain text, mode 0600)\n',
      never: ['--reveal'],
    },
    {
      session: '--interactive outside CI: --reveal can work, so it is named',
      args: ['--auto-approve', '--interactive'],
      env: {},
      says: 'no way to deliver it: dana',
      fix: 'or --reveal (shown once here)',
      never: ['apply needs approval'],
    },
  ])('$session', async ({ args, env, says, fix, never }) => {
    const before = target.actions().length;
    const result = await runCli(['apply', ...args], { env: { ...baseEnv(target.url), ...env }, cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(says);
    expect(result.stderr).toContain(fix);
    expect(result.stderr).toContain('Nothing was changed.');
    for (const text of never) expect(result.stderr).not.toContain(text);
    expect(target.actions().slice(before).filter((a) => WRITES.test(a))).toEqual([]);
  });
});
