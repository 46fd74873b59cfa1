/**
 * `iampass drift` through the built binary against the sandbox: exit codes 0 in sync, 2 drifted, 1 error; the
 * webhook posting to a receiver on loopback (on drift only, or on every run with --heartbeat); ignore rules.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateUserCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, CONFIG } from './fixtures.js';
import { baseEnv, buildAccount, runCli, sandboxTarget, tempDir, writeConfig, type Target } from './harness.js';
import { schemaErrors } from '../support/schemas.js';

/** A webhook receiver on 127.0.0.1, port 0: records every request and answers with `status`. */
async function receiver(status = 200): Promise<{ url: string; received: Array<{ path: string; headers: IncomingMessage['headers']; body: unknown }>; close(): Promise<void> }> {
  const received: Array<{ path: string; headers: IncomingMessage['headers']; body: unknown }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(body) });
      res.writeHead(status).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret-token`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The file with every drift of the shared account resolved: the state apply would leave. */
const IN_SYNC_AFTER_APPLY = CONFIG;

describe('iampass drift (built binary, sandbox)', () => {
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

  const drift = (...args: string[]) => runCli(['drift', '-c', config, ...args], { env });
  const converge = async () => {
    const applied = await runCli(['apply', '-c', config, '--auto-approve', '--password-dir', join(dir, 'passwords')], { env });
    expect(applied.code).toBe(0);
  };

  it('exits 2 on drift, saying per item what live IAM has, what the file wants, and the dates IAM reported', async () => {
    const result = await drift();
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('  ~ policy.minimumLength\n      live IAM:  8\n      the file:  14\n');
    expect(result.stdout).toMatch(/ {2}- user:bob:console\n {6}live IAM: {2}a console password \(created \d{4}-\d\d-\d\dT[\d:.]+Z, set \d{4}-\d\d-\d\dT[\d:.]+Z, no recorded sign-in\)\n {6}the file: {2}no console password\n/);
    expect(result.stdout).toContain('  + user:carol:console\n      live IAM:  no console password\n');
    expect(result.stdout).toContain(`Drift: 8 items in live IAM differ from ${config}.`);
  });

  it('exits 0 in sync, and 1 on an error', async () => {
    await converge();
    const inSync = await drift();
    expect(inSync.code).toBe(0);
    expect(inSync.stdout).toContain(`No drift: live IAM matches ${config}.`);

    await writeFile(config, IN_SYNC_AFTER_APPLY.replace('account: "123456789012"', 'account: "210987654321"'));
    const wrongAccount = await drift();
    expect(wrongAccount.code).toBe(1);
    expect(wrongAccount.stderr).toContain('the file governs account 210987654321, but the credentials are for account 123456789012');

    await writeFile(config, 'version: 2\n');
    expect((await drift()).code).toBe(1);
    const missing = await runCli(['drift', '-c', join(dir, 'nope.yaml')], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: file not found');
  });

  it('prints the versioned JSON report, and markdown for a comment', async () => {
    const json = await drift('--format', 'json');
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ formatVersion: 1, kind: 'drift', status: 'drifted', account: '123456789012', summary: { drifted: 8, ignored: 0 } });
    expect(report.items.map((i: { address: string }) => i.address)).toContain('user:bob:console');
    expect(report.text).toMatch(/^\*iampass drift\* in account `123456789012`: Drift: 8 items/);
    expect(schemaErrors('drift', report)).toEqual([]);

    const md = await drift('--format', 'markdown');
    expect(md.code).toBe(2);
    expect(md.stdout).toContain(`### iampass drift · account 123456789012 · Drift: 8 items in live IAM differ from ${config}.`);
  });

  describe('--fast', () => {
    const count = (actions: string[], name: string) => actions.filter((a) => a === name).length;

    it('takes users and console access from the credential report, drifts like the exact check, and says what it leaves out', async () => {
      const exact = JSON.parse((await drift('--format', 'json', '--no-attribution')).stdout) as { items: Array<{ address: string }> };
      const before = target.actions().length;
      const result = await drift('--fast', '--format', 'json', '--no-attribution');
      expect(result.code).toBe(2);
      const actions = target.actions().slice(before);
      const report = JSON.parse(result.stdout);
      expect(schemaErrors('drift', report)).toEqual([]);
      // No pending reset in this account is drift (bob's comes with console: false), so fast finds the same items.
      expect(report.items.map((i: { address: string }) => i.address)).toEqual(exact.items.map((i) => i.address));
      expect(count(actions, 'ListUsers')).toBe(0);
      expect(count(actions, 'GetLoginProfile')).toBe(0);
      expect(report.mode).toBe('fast');
      // alice, bob, breakglass, carol and dave (scope: /staff/ and team platform, read with ListUserTags)
      expect(report.fast).toMatchObject({ fromReport: 5, readExactly: 0, calls: actions.length });
      expect(report.fast.credentialReport.generatedTime).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(report.fast.notChecked[0]).toMatch(/^pending password resets \(passwordResetRequired\): the credential report has no such column/);
      expect(report.text).toContain('(fast: from the credential report of');

      for (const [format, marker] of [['text', 'Fast check (--fast): console access, last sign-in and password age come from the credential report generated'], ['markdown', '_Fast check (--fast): console access'], ['html', '<p>Fast check (--fast): console access']] as const) {
        const out = await drift('--fast', '--format', format, '--no-attribution');
        expect(out.stdout, format).toContain(marker);
        expect(out.stdout, format).toContain('Not checked: pending password resets (passwordResetRequired)');
      }
    });

    it('reads exactly only a user the report does not have, and is as stale as the report otherwise', async () => {
      await drift('--fast', '--no-attribution'); // the report is made now, without frank
      await target.iam.send(new CreateUserCommand({ UserName: 'frank', Path: '/staff/' }));
      await target.iam.send(new TagUserCommand({ UserName: 'frank', Tags: [{ Key: 'team', Value: 'platform' }] }));
      await writeFile(config, CONFIG.replace('  carol: { console: true }\n', '  carol: { console: true }\n  frank: { console: true }\n'));
      const before = target.actions().length;
      const result = await drift('--fast', '--format', 'json', '--no-attribution');
      const actions = target.actions().slice(before);
      const report = JSON.parse(result.stdout);
      expect(count(actions, 'GetUser')).toBe(1);
      expect(count(actions, 'GetLoginProfile')).toBe(1);
      expect(report.fast).toMatchObject({ readExactly: 1 });
      expect(report.items.map((i: { address: string }) => i.address)).toContain('user:frank:console');

      // A change made after the report is not seen by --fast (the report says when it was made); the exact check sees it.
      await converge();
      const stale = JSON.parse((await drift('--fast', '--format', 'json', '--no-attribution')).stdout);
      expect(stale.items.map((i: { address: string }) => i.address)).toContain('user:carol:console');
      expect(Date.parse(stale.fast.credentialReport.generatedTime)).toBeLessThan(Date.parse(stale.checkedAt));
      expect((await drift('--no-attribution')).code).toBe(0);
    });
  });

  describe('--webhook', () => {
    let hook: Awaited<ReturnType<typeof receiver>>;
    afterEach(async () => hook.close());

    it('posts the JSON report, with a Slack text field, when there is drift', async () => {
      hook = await receiver();
      const result = await drift('--webhook', hook.url);
      expect(result.code).toBe(2);
      expect(hook.received).toHaveLength(1);
      const [post] = hook.received;
      expect(post?.path).toBe('/services/T000/B000/secret-token');
      expect(post?.headers['content-type']).toBe('application/json');
      expect(post?.body).toMatchObject({ formatVersion: 1, kind: 'drift', status: 'drifted', summary: { drifted: 8 } });
      expect(schemaErrors('drift', post?.body)).toEqual([]);
      expect((post?.body as { text: string }).text).toContain('`user:bob:console`: live IAM has a console password');
      expect(result.stderr).toContain(`Posted the drift report to ${new URL(hook.url).origin}.`);
      expect(result.stdout + result.stderr).not.toContain('secret-token');
    });

    it('stays silent in sync, unless asked for a heartbeat; the URL can come from IAMPASS_WEBHOOK_URL', async () => {
      hook = await receiver();
      await converge();
      const quiet = await drift('--webhook', hook.url);
      expect(quiet.code).toBe(0);
      expect(hook.received).toHaveLength(0);

      const heartbeat = await runCli(['drift', '-c', config, '--heartbeat'], { env: { ...env, IAMPASS_WEBHOOK_URL: hook.url } });
      expect(heartbeat.code).toBe(0);
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]?.body).toMatchObject({ status: 'in-sync', summary: { drifted: 0 } });
      expect(heartbeat.stderr).toContain('Posted the heartbeat report');
    });

    it('fails the run (exit 1) when the receiver refuses, naming its origin but never the secret path', async () => {
      hook = await receiver(500);
      const result = await drift('--webhook', hook.url);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('Drift: 8 items');
      expect(result.stderr).toContain(`error: posting the report to the webhook at ${new URL(hook.url).origin} failed: HTTP 500`);
      expect(result.stdout + result.stderr).not.toContain('secret-token');
      expect(hook.received).toHaveLength(2); // one retry after a 5xx
    }, 20_000);

    it('refuses a bad URL, and --heartbeat without a webhook, before reading IAM', async () => {
      hook = await receiver();
      const before = target.requests();
      expect((await drift('--webhook', 'not a url')).stderr).toContain('error: --webhook is not a URL');
      expect((await drift('--heartbeat')).stderr).toContain('error: --heartbeat needs --webhook');
      expect(target.requests()).toBe(before);
    });
  });

  describe('ignore rules', () => {
    it('counts what --ignore and .iampassignore quieted, and exits 0 when that is all the drift', async () => {
      await writeFile(join(dir, '.iampassignore'), '# deliberately left alone\npolicy\nuser:bob   # leaving next week\nuser:nobody\n');
      const partly = await drift('--ignore', 'user:carol:console');
      expect(partly.code).toBe(2);
      expect(partly.stdout).toContain('Ignore rules:\n  user:carol:console (--ignore): 1 item ignored\n');
      expect(partly.stdout).toContain(`  policy (${join(dir, '.iampassignore')}:2): 5 items ignored`);
      expect(partly.stdout).toContain(`  user:nobody (${join(dir, '.iampassignore')}:4): matched nothing`);
      expect(partly.stdout).toContain(`Drift: 1 item in live IAM differs from ${config} (7 ignored).`);
      expect(partly.stdout).toContain('  - user:dave:console');

      const all = await drift('--ignore', 'user:carol', '--ignore', 'user:d*');
      expect(all.code).toBe(0);
      expect(all.stdout).toContain(`No drift: live IAM matches ${config} (8 ignored).`);
    });

    it('reports every bad rule with where it is, exit 1, before reading IAM', async () => {
      const rules = join(dir, 'rules.txt');
      await writeFile(rules, 'policy.maxAge\nuser:bob:consol\n');
      const before = target.requests();
      const result = await drift('--ignore-file', rules, '--ignore', 'users:x');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('--ignore: error: `users:x` is not an ignore rule');
      expect(result.stderr).toContain(`${rules}:1: error: \`policy.maxAge\`: unknown password policy field \`maxAge\`\n  fix: did you mean \`policy.maxAgeDays\`?`);
      expect(result.stderr).toContain(`${rules}:2: error:`);
      expect(result.stderr).toContain('3 problems in the ignore rules; nothing was read.');
      expect(target.requests()).toBe(before);
    });
  });
});

describe('drift --fast at 5,000 users', () => {
  it('costs a handful of calls for the whole account (at most 10), and reports every drifted user', async () => {
    const dir = await tempDir();
    const names = Array.from({ length: 4999 }, (_, i) => `user-${String(i).padStart(5, '0')}`);
    const seed = join(dir, 'seed.yaml');
    // As the bench's account: half the users have a password; the file wants it for three in four.
    await writeFile(
      seed,
      `account: "123456789012"\ncaller: admin\nusers:\n  - name: admin\n` +
        names.map((n, i) => `  - name: ${n}\n    path: /bench/\n${i % 2 === 0 ? '    loginProfile: { passwordResetRequired: false }\n' : ''}`).join(''),
    );
    const target = await sandboxTarget({ seed });
    try {
      const config = await writeConfig(dir, `version: 1\nscope: { pathPrefix: /bench/ }\nusers:\n${names.map((n, i) => `  ${n}: { console: ${i % 4 !== 3} }`).join('\n')}\n`);
      const before = target.actions().length;
      const result = await runCli(['drift', '-c', config, '--fast', '--format', 'json', '--no-attribution'], { env: baseEnv(target.url) });
      expect(result.code).toBe(2);
      const actions = target.actions().slice(before);
      expect(actions.length).toBeLessThanOrEqual(10);
      expect([...new Set(actions)].sort()).toEqual(['GenerateCredentialReport', 'GetAccountPasswordPolicy', 'GetCallerIdentity', 'GetCredentialReport', 'GetGroup']);
      const report = JSON.parse(result.stdout);
      expect(report.fast).toMatchObject({ fromReport: 4999, readExactly: 0, calls: actions.length });
      // i % 4 === 1: no password, console wanted
      expect(report.summary.drifted).toBe(1250);
      expect(report.items.every((i: { address: string }) => /^user:user-\d{5}:console$/.test(i.address))).toBe(true);
    } finally {
      await target.close();
    }
  });
});
