/** `iampass validate` and `iampass lint` of the built binary on organization files: offline, as a user runs them. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../e2e/harness.js';
import { tree } from './org-support.js';

const env = { PATH: process.env.PATH, NO_COLOR: '1' };
const EXAMPLE = 'examples/organization/iampass.yaml';
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function treeOf(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await tree(files);
  dirs.push(dir);
  return dir;
}

describe('iampass validate (built binary) on an organization file', () => {
  it('accepts the shipped example and says what it holds', async () => {
    const result = await runCli(['validate', '-c', EXAMPLE], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`${EXAMPLE} is valid: an organization file with 2 account sections (2 in files of their own); the baseline lists 0 users.\n`);
  });

  it('reports the problems of the organization file and of its section files at once, exits 1, and prints no stack trace', async () => {
    const dir = await treeOf({
      'iampass.yaml': 'version: 1\naccount: "111111111111"\norganization:\n  targets: { all: true }\naccounts:\n  "222222222222": prod.yaml\n',
      'prod.yaml': 'users:\n  alice: { console: maybe }\n',
    });
    const main = join(dir, 'iampass.yaml');
    const result = await runCli(['validate', '-c', main], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter((l) => / error: /.test(l))).toEqual([
      `${main}:2:1: error: \`account\` cannot be used in an organization file: it pins a file to one account, and this file governs many`,
      `${join(dir, 'prod.yaml')}:2:21: error: console must be true or false, got "maybe"`,
    ]);
    expect(result.stderr).toContain(`2 errors in ${main}, ${join(dir, 'prod.yaml')}.`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('says a warning about a section that is never used, and still succeeds', async () => {
    const dir = await treeOf({ 'iampass.yaml': 'version: 1\norganization:\n  targets: { all: true, exclude: ["222222222222"] }\naccounts:\n  "222222222222": {}\n' });
    const main = join(dir, 'iampass.yaml');
    const result = await runCli(['validate', '-c', main], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${main}:5:3: warning: the section of account 222222222222 is never used`);
    expect(result.stdout).toBe(`${main} is valid: an organization file with 1 account section; the baseline lists 0 users (1 warning in ${main}).\n`);
  });
});

describe('iampass lint (built binary) on an organization file', () => {
  it('lints each account of the shipped example, and the baseline', async () => {
    const result = await runCli(['lint', '-c', EXAMPLE, '--fail-on', 'warning'], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        'account 222222222222 (examples/organization/accounts/prod-web.yaml): no warnings from the file alone',
        'account 333333333333 (examples/organization/accounts/staging.yaml): no warnings from the file alone',
        'accounts without a section (the baseline): no warnings from the file alone',
        '`iampass plan` adds the checks that need live IAM.',
        '',
      ].join('\n'),
    );
  });

  it('says which account each warning is about, and fails only for the accounts whose warnings fail', async () => {
    const dir = await treeOf({
      'iampass.yaml':
        'version: 1\norganization:\n  targets: { all: true }\n' +
        'passwordPolicy: { minimumLength: 14, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true, maxAgeDays: 90, reusePrevention: 24 }\n' +
        'advisories: { failOn: warning }\n' +
        'accounts:\n  "222222222222": { passwordPolicy: { minimumLength: 8 } }\n' +
        '  "333333333333": { passwordPolicy: { minimumLength: 8 }, advisories: { acknowledge: { IP105: "8 until the SSO move" } } }\n',
    });
    const result = await runCli(['lint', '-c', join(dir, 'iampass.yaml')], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('account 222222222222: 1 warning from the file alone\n');
    expect(result.stdout).toContain('account 333333333333: 1 warning (1 acknowledged) from the file alone\n');
    expect(result.stdout).toContain('accounts without a section (the baseline): no warnings from the file alone\n');
    expect(result.stdout).toContain('IP105 the password policy is weaker than the CIS AWS Foundations Benchmark: minimumLength 8 (CIS: 14 or more)');
    expect(result.stderr.trim()).toBe(
      'lint of account 222222222222 failed: 1 warning is not acknowledged (advisories.failOn: warning): IP105\n' +
        '  fix: resolve each one, or accept it with a reason in the file: users.NAME.acknowledge.ID for a warning about a user, advisories.acknowledge.ID for one about the account',
    );
  });
});
