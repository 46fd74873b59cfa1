/**
 * Passwords end to end with the built binary and the sandbox: supplied, generated, rotated, encrypted to OpenPGP
 * keys and decrypted here with the test's private key; and every other output searched for every password.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { baseEnv, buildAccount, runCli, sandboxAccepts, sandboxTarget, tempDir, writeConfig, type Target } from './harness.js';

const ACCOUNT = {
  policy: { MinimumPasswordLength: 8, RequireNumbers: true },
  users: [
    { name: 'alice', path: '/staff/', console: { passwordResetRequired: false } },
    { name: 'carol', path: '/staff/' },
    { name: 'dana', path: '/staff/' },
  ],
};

let keys: { publicKey: string; privateKey: string };
let signingOnly: string;

beforeAll(async () => {
  keys = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Carol', email: 'carol@example.com' }], format: 'armored' });
  signingOnly = (await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Sig' }], subkeys: [], format: 'armored' })).publicKey;
}, 30_000);

describe('passwords end to end', () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];
  const secrets = new Set<string>();

  beforeEach(async () => {
    target = await sandboxTarget();
    await buildAccount(target, ACCOUNT);
    dir = await tempDir();
    env = baseEnv(target.url);
    await mkdir(join(dir, 'keys'));
    await writeFile(join(dir, 'keys', 'carol.asc'), keys.publicKey);
  });
  afterEach(async () => {
    outputs.push(...(await target.artefacts()));
    await target.close();
    for (const secret of secrets) for (const text of outputs) expect(text.includes(secret), 'a password leaked').toBe(false);
  });

  const run = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const result = await runCli(args, { env: { ...env, ...extraEnv }, cwd: dir });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const config = (users: string, extra = '') =>
    writeConfig(dir, `version: 1\n${extra}defaults:\n  pgpKeyDir: keys\nscope: { pathPrefix: /staff/ }\nusers:\n${users}`);

  it('encrypts a generated password to the user\'s key; the test decrypts it and the account accepts it', async () => {
    await config('  carol: { console: true }\n');
    const applied = await run(['apply', '--auto-approve', '--delivery-dir', 'out', '--verbose']);
    expect(applied.code).toBe(0);
    const fingerprint = (await openpgp.readKey({ armoredKey: keys.publicKey })).getFingerprint().toUpperCase();
    expect(applied.stdout).toContain(`out/carol.password.asc (encrypted to key ${fingerprint})`);

    const armored = await readFile(join(dir, 'out', 'carol.password.asc'), 'utf8');
    const message = await openpgp.readMessage({ armoredMessage: armored });
    const privateKey = await openpgp.readPrivateKey({ armoredKey: keys.privateKey });
    const { data } = await openpgp.decrypt({ message, decryptionKeys: privateKey });
    const password = String(data).trim();
    secrets.add(password);
    expect(password).toHaveLength(20);
    expect(await sandboxAccepts(target, 'carol', password)).toBe(true);
  });

  it('refuses before any call to IAM when a key cannot encrypt, in plan and in apply', async () => {
    await writeFile(join(dir, 'keys', 'carol.asc'), signingOnly);
    await config('  carol: { console: true }\n  alice: { console: false }\n');
    const before = target.requests();
    for (const command of [['plan'], ['apply', '--auto-approve', '--password-dir', 'pw']]) {
      const result = await run(command);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/keys\/carol\.asc cannot encrypt/);
    }
    expect(target.requests()).toBe(before);
  });

  it('supplies a password from the environment, checks it offline against the policy, and never echoes it', async () => {
    await config('  dana: { console: true, password: { env: DANA_PASSWORD } }\n', 'passwordPolicy: { minimumLength: 16, requireSymbols: true }\n');
    const weak = 'weakpassword1';
    secrets.add(weak);
    const refused = await run(['plan'], { DANA_PASSWORD: weak });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('dana: the password from environment variable DANA_PASSWORD is shorter than 16 characters (desired policy); has no symbols (desired policy)');

    const strong = 'Strong-Supplied-Pa55!';
    secrets.add(strong);
    const applied = await run(['apply', '--auto-approve'], { DANA_PASSWORD: strong });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('supplied by environment variable DANA_PASSWORD');
    expect(await sandboxAccepts(target, 'dana', strong)).toBe(true);
  });

  it('rotates on purpose: a new token sets a new password once; a changed secret alone does nothing', async () => {
    await config('  dana: { console: true, password: { env: DANA_PASSWORD }, rotation: "r1" }\n');
    const first = 'First-Rotation-Pa55!';
    const second = 'Second-Rotation-Pa55!';
    secrets.add(first).add(second);
    expect((await run(['apply', '--auto-approve'], { DANA_PASSWORD: first })).code).toBe(0);
    expect((await run(['plan', '--detailed-exitcode'], { DANA_PASSWORD: first })).code).toBe(0);

    const secretOnly = await run(['plan', '--detailed-exitcode'], { DANA_PASSWORD: second });
    expect(secretOnly.code).toBe(0);
    expect(await sandboxAccepts(target, 'dana', first)).toBe(true);

    await config('  dana: { console: true, password: { env: DANA_PASSWORD }, rotation: "r2" }\n');
    const planned = await run(['plan', '--detailed-exitcode'], { DANA_PASSWORD: second });
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(/~ dana\s+rotate the password to the password in environment variable DANA_PASSWORD, reset required/);
    expect(planned.stdout).toContain('# rotation token changed from "r1" to "r2"');
    expect((await run(['apply', '--auto-approve'], { DANA_PASSWORD: second })).code).toBe(0);
    expect(await sandboxAccepts(target, 'dana', second)).toBe(true);
    expect((await run(['plan', '--detailed-exitcode'], { DANA_PASSWORD: second })).code).toBe(0);
  });

  it('warns in the plan and refuses in apply when a generated password has nowhere to go', async () => {
    await config('  alice: { console: true }\n  dana: { console: true }\n', '');
    const planned = await run(['plan']);
    expect(planned.stdout).toContain("IP108 dana's new generated password has no OpenPGP key");
    const refused = await run(['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('apply would set 1 generated password with no way to deliver it: dana');
    const revealed = await run(['apply', '--auto-approve', '--reveal']);
    expect(revealed.code).toBe(1);
    expect(revealed.stderr).toContain('--reveal shows passwords once on an interactive terminal, and this is not one');
  });
});
