/**
 * `iampass status` through the built binary against the sandbox: every governed user with its columns, in text,
 * JSON (held to its schema) and HTML, written to a file with -o; and what it costs in calls, exact and --fast, as
 * the sandbox's own request log counts them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schemaErrors } from '../support/schemas.js';
import { ACCOUNT, CONFIG } from './fixtures.js';
import { baseEnv, buildAccount, runCli, sandboxTarget, tempDir, writeConfig, type Target } from './harness.js';

describe('iampass status (built binary, sandbox)', () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let config: string;

  beforeEach(async () => {
    target = await sandboxTarget();
    await buildAccount(target, ACCOUNT);
    env = baseEnv(target.url);
    dir = await tempDir();
    config = await writeConfig(dir, CONFIG);
  });
  afterEach(async () => target.close());

  const status = (...args: string[]) => runCli(['status', '-c', config, ...args], { env });
  const count = (actions: string[], name: string) => actions.filter((a) => a === name).length;

  it('lists every governed user with console access, created, reset pending, sign-in, age, expiry, MFA, keys', async () => {
    const result = await status();
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n');
    const heading = rows.findIndex((l) => l.startsWith('USER '));
    expect(rows[heading]).toMatch(/^USER\s+CONSOLE\s+CREATED\s+RESET\s+LAST SIGN-IN\s+PASSWORD AGE\s+EXPIRES\s+MFA\s+KEYS\s+ROTATION$/);
    // The scope: platform staff; unlisted in-scope users are governed (unlisted: disable).
    expect(rows.slice(heading + 1, heading + 6).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['alice', 'yes', expect.stringMatching(/^\d{4}-\d\d-\d\d$/), 'no'],
      ['bob', 'yes', expect.stringMatching(/^\d{4}-\d\d-\d\d$/), 'yes'],
      ['breakglass', 'yes', expect.stringMatching(/^\d{4}-\d\d-\d\d$/), 'no'],
      ['carol', 'no', '-', '-'],
      ['dave', 'yes', expect.stringMatching(/^\d{4}-\d\d-\d\d$/), 'no'],
    ]);
    expect(result.stdout).toContain('Password policy in force: a custom policy; passwords never expire.');
    expect(result.stdout).toMatch(/Credential report generated \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(result.stdout).toContain('5 governed users: 4 with console access, 1 reset pending, 4 without MFA, 0 expired, 0 with active access keys.');
    expect(result.stdout).toContain('2 users out of scope.');
  });

  it('costs one GetLoginProfile per governed user, and none with --fast; says so', async () => {
    const before = target.actions().length;
    const exact = await status('--format', 'json');
    const exactActions = target.actions().slice(before);
    expect(count(exactActions, 'GetLoginProfile')).toBe(5);
    const doc = JSON.parse(exact.stdout);
    expect(schemaErrors('status', doc)).toEqual([]);
    expect(doc.cost.calls).toBe(exactActions.length);
    expect(doc.cost.sources.find((s: { columns: string[] }) => s.columns.includes('CONSOLE')).calls).toBe(5);

    const middle = target.actions().length;
    const fast = await status('--fast', '--format', 'json');
    const fastActions = target.actions().slice(middle);
    expect(count(fastActions, 'GetLoginProfile')).toBe(0);
    const fastDoc = JSON.parse(fast.stdout);
    expect(schemaErrors('status', fastDoc)).toEqual([]);
    expect(fastDoc.mode).toBe('fast');
    expect(fastDoc.users.map((u: { user: string; console: boolean }) => [u.user, u.console])).toEqual(doc.users.map((u: { user: string; console: boolean }) => [u.user, u.console]));
    expect(fastDoc.users.every((u: { resetPending: null }) => u.resetPending === null)).toBe(true);
    expect(fastDoc.cost.calls).toBe(fastActions.length);
  });

  it('writes the HTML page to the file -o names, atomically, and nothing to standard output', async () => {
    const out = join(dir, 'status.html');
    const result = await status('--format', 'html', '-o', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Wrote the html status report to ${out}.`);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('<title>iampass status · account 123456789012</title>');
    expect(html.match(/<tr id="user-/g)).toHaveLength(5);

    const refused = await status('-o', join(dir, 'no-such-dir', 'status.txt'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: cannot write the report to');
    expect(refused.stderr).toContain('its directory does not exist');
  });

  it('fails as plan does for a file that names no such user, and for the wrong account', async () => {
    await writeConfig(dir, CONFIG.replace('carol: { console: true }', 'carl: { console: true }'));
    const missing = await status();
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('user carl does not exist in account 123456789012; did you mean carol?');
    await writeConfig(dir, CONFIG.replace('account: "123456789012"', 'account: "210987654321"'));
    const wrong = await status();
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the file governs account 210987654321');
  });
});

describe('status call counts as the account grows', () => {
  const count = (actions: string[], name: string) => actions.filter((a) => a === name).length;
  it.each([10, 50])('%i governed users: exact reads a profile each, --fast reads none', async (n) => {
    const target = await sandboxTarget();
    try {
      await buildAccount(target, { users: Array.from({ length: n }, (_, i) => ({ name: `u${String(i).padStart(3, '0')}`, path: '/staff/', console: { passwordResetRequired: false } })) });
      const dir = await tempDir();
      const config = await writeConfig(dir, 'version: 1\nscope: { pathPrefix: /staff/, unlisted: disable }\nusers: {}\n');
      const env = baseEnv(target.url);
      const calls: Record<string, number> = {};
      const generations: Record<string, number> = {};
      for (const mode of ['exact', 'fast']) {
        const before = target.actions().length;
        const result = await runCli(['status', '-c', config, '--format', 'json', ...(mode === 'fast' ? ['--fast'] : [])], { env });
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout).users).toHaveLength(n);
        const actions = target.actions().slice(before);
        // Polls while IAM makes the report vary with timing (the first run makes it): counted apart.
        generations[mode] = count(actions, 'GenerateCredentialReport');
        calls[mode] = actions.length - (generations[mode] as number);
      }
      // Identity, policy, the journal of unconfirmed passwords (one GetGroup), GetCredentialReport and the report's
      // generation; exact adds a ListUsers page and n profiles, while --fast takes the users from the report.
      expect(calls.fast).toBe(4);
      expect(calls.exact).toBe(5 + n);
      expect(count(target.actions(), 'GetUser')).toBe(0);
      expect(Math.max(generations.fast as number, generations.exact as number)).toBeLessThanOrEqual(3);
    } finally {
      await target.close();
    }
  });
});
