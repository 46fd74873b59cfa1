/**
 * `iampass import` through the built binary against the sandbox: adoption from live IAM, where the first plan
 * against what it wrote shows no changes, and where a file a person wrote is never overwritten by accident.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT } from './fixtures.js';
import { baseEnv, buildAccount, runCli, sandboxTarget, tempDir, type Target } from './harness.js';

describe('iampass import (built binary, sandbox)', () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    target = await sandboxTarget();
    await buildAccount(target, ACCOUNT);
    env = baseEnv(target.url);
    dir = await tempDir();
  });
  afterEach(async () => target.close());

  const plan = (file: string) => runCli(['plan', '-c', file, '--detailed-exitcode'], { env });

  it('round trip: import a scope, then plan shows no changes', async () => {
    const file = join(dir, 'iampass.yaml');
    const imported = await runCli(['import', '--path-prefix', '/staff/', '--tag', 'team=platform', '-o', file], { env });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain(`Imported 5 users (4 with console access) and the custom password policy from account 123456789012 into ${file}.`);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\S+\/schema\/iampass\.schema\.json\n/);
    expect(text).toContain('users:\n  alice: { console: true }\n  bob: { console: true }\n  breakglass: { console: true }\n  carol: { console: false }\n  dave: { console: true }\n');
    expect(text).toContain('  minimumLength: 8\n');
    expect(text).not.toContain('erin');

    expect((await runCli(['validate', '-c', file], { env })).code).toBe(0);
    const planned = await plan(file);
    expect(planned.stdout).toContain('5 governed users unchanged, 2 users out of scope.');
    expect(planned.stdout).toContain('No changes.');
    expect(planned.code).toBe(0);
  });

  it('imports the whole account to standard output, `default` when no custom policy is set', async () => {
    const { DeleteAccountPasswordPolicyCommand } = await import('@aws-sdk/client-iam');
    await target.iam.send(new DeleteAccountPasswordPolicyCommand({}));
    const result = await runCli(['import'], { env, cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('passwordPolicy: default\n');
    expect(result.stdout).toContain('  erin: { console: true }\n');
    const file = join(dir, 'whole.yaml');
    await writeFile(file, result.stdout);
    expect((await plan(file)).stdout).toContain('No changes.');
  });

  it('refuses to overwrite an existing file, leaving it byte for byte', async () => {
    const file = join(dir, 'iampass.yaml');
    const mine = '# mine: do not lose this\nversion: 1\nusers: {}\n';
    await writeFile(file, mine);
    const result = await runCli(['import', '-o', file], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${file} already exists, and import never overwrites a file unasked (its comments and settings would be lost)`);
    expect(result.stderr).toContain('pass --merge to update it in place');
    expect(await readFile(file, 'utf8')).toBe(mine);
  });

  it('--merge keeps the comments and the file scope, and the plan after it shows no changes', async () => {
    const file = join(dir, 'iampass.yaml');
    await writeFile(
      file,
      `# Platform console access. Owned by #platform-security.
version: 1
account: "123456789012"
scope:
  pathPrefix: /staff/
  tags: { team: platform }
  unlisted: disable   # nobody keeps access by accident
  protected: [breakglass]
users:
  alice: { console: true }   # team lead
  bob: { console: false }    # moving to API-only work
`,
    );
    const result = await runCli(['import', '-o', file, '--merge'], { env });
    expect(result.code).toBe(0);
    const text = await readFile(file, 'utf8');
    for (const comment of ['# Platform console access. Owned by #platform-security.', '# nobody keeps access by accident', '# team lead', '# moving to API-only work']) {
      expect(text).toContain(comment);
    }
    expect(text).toContain('  bob: { console: true } # moving to API-only work\n');
    expect(text).not.toContain('passwordPolicy'); // the file did not manage it, and still does not
    const planned = await plan(file);
    expect(planned.stdout).toContain('No changes.');
    expect(planned.code).toBe(0);
  });

  it('--merge adopts users into a file that rotates without rotating them, and says what the file already asks for', async () => {
    const file = join(dir, 'iampass.yaml');
    await writeFile(
      file,
      `# yaml-language-server: $schema=../schema/iampass.schema.json
version: 1
scope:
  pathPrefix: /staff/
  tags: { team: platform }
defaults:
  rotation: "2026-Q4"   # every password rotated once this quarter
users:
  alice: { console: true, password: { env: ALICE_PASSWORD } }   # supplied by the vault
`,
    );
    const first = await runCli(['import', '-o', file, '--merge'], { env });
    expect(first.code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('  alice: { console: true, password: { env: ALICE_PASSWORD } } # supplied by the vault\n');
    expect(text).toContain('  dave: { console: true, rotation: false } # adopted by import: no "2026-Q4" rotation recorded; remove rotation: false to rotate it\n');
    expect(text).toContain('  carol: { console: false }\n');
    // alice was listed before: the file's own rotation of her stands, and import says so instead of "no changes"
    expect(first.stderr).toContain(`\`iampass plan -c ${file}\` shows 1 change the file already asked for: update-login-profile alice.`);

    const second = await runCli(['import', '-o', file, '--merge'], { env });
    expect(second.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(text.match(/yaml-language-server/g)).toHaveLength(1);

    const planned = await runCli(['plan', '-c', file, '--detailed-exitcode'], { env: { ...env, ALICE_PASSWORD: 'Correct-Horse-9-Battery' } });
    expect(planned.stdout).toMatch(/~ alice\s+rotate the password/);
    expect(planned.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
  });

  it('--merge with --path-prefix or --tag is refused before any call, leaving the file and its listed users alone', async () => {
    const file = join(dir, 'iampass.yaml');
    const mine = 'version: 1\nusers:\n  erin: { console: true, rotation: "r1" }\n';
    await writeFile(file, mine);
    const before = target.requests();
    for (const flags of [['--path-prefix', '/staff/'], ['--tag', 'team=platform']]) {
      const result = await runCli(['import', '-o', file, '--merge', ...flags], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("error: --merge keeps the file's own scope, so --path-prefix and --tag do not apply");
    }
    expect(target.requests()).toBe(before);
    expect(await readFile(file, 'utf8')).toBe(mine);
  });

  it('--merge refuses a file that governs another account', async () => {
    const file = join(dir, 'iampass.yaml');
    await writeFile(file, 'version: 1\naccount: "210987654321"\n');
    const result = await runCli(['import', '-o', file, '--merge'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the file governs account 210987654321, but the credentials are for account 123456789012');
    expect(await readFile(file, 'utf8')).toBe('version: 1\naccount: "210987654321"\n');
  });

  it('--force replaces the file', async () => {
    const file = join(dir, 'iampass.yaml');
    await writeFile(file, '# old\nversion: 1\n');
    expect((await runCli(['import', '-o', file, '--force', '--path-prefix', '/staff/'], { env })).code).toBe(0);
    expect(await readFile(file, 'utf8')).not.toContain('# old');
    expect((await plan(file)).code).toBe(0);
  });

  it('checks the scope flags by the file rules before any call', async () => {
    const before = target.requests();
    const result = await runCli(['import', '--path-prefix', 'staff', '--tag', 'team'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: --tag team: expected KEY=VALUE');
    const prefix = await runCli(['import', '--path-prefix', 'staff'], { env });
    expect(prefix.code).toBe(1);
    expect(prefix.stderr).toContain('error: --path-prefix:');
    expect(target.requests()).toBe(before);
  });
});
