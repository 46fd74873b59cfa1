/**
 * The real binary in a real terminal (tmux): review the plan, move, open details, approve with `yes`, watch the
 * apply, and check the sandbox's resulting state. Skips with one line where tmux is not installed (.ci/run
 * installs it).
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetLoginProfileCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { BIN, ROOT, baseEnv, buildAccount, newestDelivery, sandboxAccepts, sandboxTarget, tempDir, writeConfig, type Target } from './harness.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux) console.log('tmux is not installed: the real-terminal test is skipped (.ci/run installs it).');

const session = `iampass-e2e-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session).stdout;
const keys = (...k: string[]) => tmux('send-keys', '-t', session, ...k);

describe.skipIf(!hasTmux)('apply in a real terminal', () => {
  let target: Target;
  let dir: string;

  beforeAll(async () => {
    target = await sandboxTarget({ seed: join(ROOT, 'examples/sandbox/account.yaml') });
    dir = await tempDir();
  });
  afterAll(async () => {
    tmux('kill-session', '-t', session);
    tmux('kill-session', '-t', `${session}-reveal`);
    await target.close();
  });

  it('reviews, shows details, applies on `yes`, and leaves the account converged', async () => {
    const env: NodeJS.ProcessEnv = { ...baseEnv(target.url), TERM: 'xterm-256color' };
    delete env.NO_COLOR;
    const exports = Object.entries(env)
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    const command = `cd ${ROOT} && env -i ${exports} ${process.execPath} ${BIN} apply -c examples/iampass.yaml --delivery-dir ${dir}/delivery; echo "EXIT=$?"; sleep 30`;
    expect(tmux('new-session', '-d', '-x', '110', '-y', '40', '-s', session, command).status).toBe(0);

    await vi.waitFor(() => expect(screen()).toContain("Only 'yes' will be accepted"), { timeout: 15_000, interval: 100 });
    expect(screen()).toContain('Plan: 1 to add, 1 to change, 1 to destroy.');
    expect(screen()).toContain('Apply 3 changes to account 123456789012? (1 destructive)');

    keys('Tab');
    keys('j');
    await vi.waitFor(() => expect(screen()).toMatch(/> \+ carol/), { timeout: 5_000, interval: 50 });
    keys('Enter');
    await vi.waitFor(() => expect(screen()).toContain('before: no console password'), { timeout: 5_000, interval: 50 });
    expect(screen()).toContain('(sensitive value)');

    keys('Escape');
    // The details closed (the warnings line shows with them open too: a `w` sent before they close is not for the
    // list), then the warnings: counted above the summary, read on w, acknowledged ones with their reason.
    await vi.waitFor(
      () => {
        expect(screen()).not.toContain('before: no console password');
        expect(screen()).toContain('Warnings (3, 2 acknowledged): press w to read them');
      },
      { timeout: 5_000, interval: 50 },
    );
    keys('w');
    await vi.waitFor(() => expect(screen()).toContain('IP103 carol gets console access without an MFA device'), { timeout: 5_000, interval: 50 });
    expect(screen()).toContain('acknowledged: API-only from now on: his access keys stay on purpose');
    keys('w');
    await vi.waitFor(() => expect(screen()).not.toContain('IP103 carol'), { timeout: 5_000, interval: 50 });
    keys('Tab');
    keys('n', 'o');
    await vi.waitFor(() => expect(screen()).toContain('Enter a value: no'), { timeout: 5_000, interval: 50 });
    keys('BSpace', 'BSpace');
    keys('y', 'e', 's', 'Enter');
    await vi.waitFor(() => expect(screen()).toContain('EXIT=0'), { timeout: 15_000, interval: 100 });

    const final = screen();
    expect(final).toContain('done     - bob: console access removed');
    expect(final).toContain('[####################] 3/3');
    expect(final).toContain('Apply complete. 3 done, 0 failed.');

    const bob = await target.iam.send(new GetLoginProfileCommand({ UserName: 'bob' })).catch((e: unknown) => e);
    expect(bob).toBeInstanceOf(NoSuchEntityException);
    expect((await target.iam.send(new GetLoginProfileCommand({ UserName: 'carol' }))).LoginProfile?.PasswordResetRequired).toBe(true);
    expect(await readFile(await newestDelivery(`${dir}/delivery`, 'carol'), 'utf8')).toContain('-----BEGIN PGP MESSAGE-----');
  }, 60_000);

  // Answering at the Ink prompt used to leave stdin unreferenced (Ink's doing), so the process exited at the
  // "press enter" question with the password still on screen; --auto-approve never started Ink and worked.
  it.each([
    { approval: 'typing yes at the prompt', flags: [] as string[], answer: ['y', 'e', 's', 'Enter'] },
    { approval: '--auto-approve', flags: ['--auto-approve'], answer: [] as string[] },
  ])('--reveal ($approval) waits for enter, then clears the password from the screen and the scrollback', async ({ flags, answer }) => {
    const reveal = await sandboxTarget({ seed: join(ROOT, 'examples/sandbox/account.yaml') });
    const name = `${session}-reveal`;
    const env: NodeJS.ProcessEnv = { ...baseEnv(reveal.url), TERM: 'xterm-256color' };
    const exports = Object.entries(env)
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    // The example without its key directory: carol has no key, so her password can only be shown.
    const config = join(await tempDir(), 'iampass.yaml');
    await writeFile(config, (await readFile(join(ROOT, 'examples/iampass.yaml'), 'utf8')).replace(/^ {2}pgpKeyDir: .*$/m, ''));
    const args = ['apply', '-c', config, '--reveal', ...flags].join(' ');
    const command = `cd ${ROOT} && env -i ${exports} ${process.execPath} ${BIN} ${args}; echo "EXIT=$?"; sleep 30`;
    expect(tmux('new-session', '-d', '-x', '110', '-y', '40', '-s', name, command).status).toBe(0);
    const everything = () => tmux('capture-pane', '-p', '-t', name, '-S', '-').stdout;
    try {
      if (answer.length > 0) {
        await vi.waitFor(() => expect(everything()).toContain("Only 'yes' will be accepted"), { timeout: 15_000, interval: 100 });
        tmux('send-keys', '-t', name, ...answer);
      }
      await vi.waitFor(() => expect(everything()).toContain('Press enter once you have passed them on'), { timeout: 15_000, interval: 100 });
      const password = /^\s+carol\s+(\S+)\s*$/m.exec(everything())?.[1];
      expect(password).toBeDefined();
      // Still asking: a key typed now is echoed by the question itself, on its line, and the shell has not run on.
      tmux('send-keys', '-t', name, 'x');
      await vi.waitFor(() => expect(everything()).toMatch(/the screen is then cleared\. x\s*$/m), { timeout: 5_000, interval: 50 });
      expect(everything()).not.toContain('EXIT=');
      expect(everything()).toContain(password);

      tmux('send-keys', '-t', name, 'Enter');
      await vi.waitFor(() => expect(everything()).toContain('EXIT=0'), { timeout: 10_000, interval: 100 });
      expect(everything()).toContain('1 password shown and cleared from the screen.');
      expect(everything()).not.toContain(password);
      expect(tmux('capture-pane', '-p', '-t', name).stdout).not.toContain(password);
      expect(await sandboxAccepts(reveal, 'carol', password as string)).toBe(true);
    } finally {
      tmux('kill-session', '-t', name);
      await reveal.close();
    }
  }, 60_000);

  it('browses a plan with many warnings in 60 columns: pages, filters, wraps, and leaves its summary on quit', async () => {
    const many = await sandboxTarget();
    const name = `${session}-long`;
    const users = Array.from({ length: 30 }, (_, i) => `user${String(i).padStart(3, '0')}`);
    await buildAccount(many, { users: users.map((u) => ({ name: u, path: '/staff/' })) });
    // Each user gets console access without an MFA device (IP103), without a key (IP108), and a reset they
    // cannot perform under the AWS default policy (IP102): 90 warnings and more.
    const config = await writeConfig(await tempDir(), `version: 1\nscope: { pathPrefix: /staff/ }\nusers:\n${users.map((u) => `  ${u}: { console: true }\n`).join('')}`);
    const env: NodeJS.ProcessEnv = { ...baseEnv(many.url), TERM: 'xterm-256color' };
    const exports = Object.entries(env)
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    const command = `cd ${ROOT} && env -i ${exports} ${process.execPath} ${BIN} plan -c ${config}; echo "EXIT=$?"; sleep 30`;
    expect(tmux('new-session', '-d', '-x', '60', '-y', '24', '-s', name, command).status).toBe(0);
    const visible = () => tmux('capture-pane', '-p', '-t', name).stdout;
    const window = () => /warnings lines (\d+)-(\d+) of (\d+)/.exec(visible())?.slice(1).map(Number) ?? [];
    try {
      await vi.waitFor(() => expect(visible()).toContain('press w to read them'), { timeout: 15_000, interval: 100 });
      expect(visible().replace(/\s*\n\s*/g, ' ')).toContain('space/b page');
      tmux('send-keys', '-t', name, 'w');
      await vi.waitFor(() => expect(window()[0]).toBe(1), { timeout: 5_000, interval: 50 });
      // Fixes are wrapped: no line is cut, and a whole fix reads on once the lines are joined.
      const pane = visible().split('\n');
      expect(pane.filter((l) => l.includes('…'))).toEqual(pane.filter((l) => l.startsWith('Account ')));
      expect(visible().replace(/\s*\n\s*/g, ' ')).toContain(
        'fix: set passwordPolicy.allowUsersToChangePassword: true, or grant user000 iam:ChangePassword on their own user ' +
          '(the IAMUserChangePassword managed policy), or set passwordResetRequired: false for user000',
      );

      const pageEnd = window()[1] ?? 0;
      tmux('send-keys', '-t', name, 'NPage');
      await vi.waitFor(() => expect(window()[0]).toBe(pageEnd), { timeout: 5_000, interval: 50 });
      tmux('send-keys', '-t', name, 'G');
      await vi.waitFor(() => expect(window()[1]).toBe(window()[2]), { timeout: 5_000, interval: 50 });
      expect(visible()).toContain('user029');
      tmux('send-keys', '-t', name, 'g');
      await vi.waitFor(() => expect(window()[0]).toBe(1), { timeout: 5_000, interval: 50 });

      tmux('send-keys', '-t', name, '/', 'user017', 'Enter');
      await vi.waitFor(() => expect(visible()).toContain('filter: user017 (esc clears)'), { timeout: 5_000, interval: 50 });
      expect(visible()).toContain('IP103 user017');
      expect(visible()).not.toContain('user000');

      tmux('send-keys', '-t', name, 'q');
      await vi.waitFor(() => expect(visible()).toContain('EXIT=0'), { timeout: 10_000, interval: 100 });
      const scrollback = tmux('capture-pane', '-p', '-t', name, '-S', '-').stdout;
      expect(scrollback).toContain('Enable console access (30)');
      expect(scrollback).toContain('Plan: 30 to add, 0 to change, 0 to destroy.');
      expect(scrollback.replace(/\s*\n\s*/g, ' ')).toContain(`\`iampass plan -c ${config} --no-interactive\``);
      expect(scrollback).not.toContain('keys:');
    } finally {
      tmux('kill-session', '-t', name);
      await many.close();
    }
  }, 60_000);
});
