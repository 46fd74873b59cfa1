/**
 * Who made the drift, end to end: the built binary against the sandbox, which records a CloudTrail event for every
 * write with the identity whose access key signed it, and serves LookupEvents (at AWS's 2 requests a second).
 * A user outside the file's scope deletes a governed user's console password with their own access key; `drift`
 * names them in text, JSON and HTML, and recognises iampass's own earlier write for what it is.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, DeleteLoginProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/util/version.js';
import { schemaErrors } from '../support/schemas.js';
import { ACCOUNT, CONFIG } from './fixtures.js';
import { baseEnv, buildAccount, deliveredPasswords, runCli, sandboxTarget, SEEDED_PASSWORD, tempDir, writeConfig, type Target } from './harness.js';

const MALLORY_ARN = 'arn:aws:iam::123456789012:user/contractors/mallory';

describe('drift attribution (built binary, sandbox CloudTrail)', () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let config: string;
  let malloryKey: string;

  beforeAll(async () => {
    target = await sandboxTarget();
    await buildAccount(target, ACCOUNT);
    env = baseEnv(target.url);
    dir = await tempDir();
    config = await writeConfig(dir, CONFIG);
    // iampass converges the account: carol's console password is iampass's own write.
    const applied = await runCli(['apply', '-c', config, '--auto-approve', '--password-dir', join(dir, 'passwords')], { env });
    expect(applied.code).toBe(0);

    // mallory, outside the file's scope (/contractors/), with an access key of her own...
    await target.iam.send(new CreateUserCommand({ UserName: 'mallory', Path: '/contractors/' }));
    const key = await target.iam.send(new CreateAccessKeyCommand({ UserName: 'mallory' }));
    malloryKey = key.AccessKey?.AccessKeyId ?? '';
    const asMallory = new IAMClient({
      endpoint: target.url,
      region: 'us-east-1',
      credentials: { accessKeyId: malloryKey, secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' },
    });
    // ...deletes alice's console password, which the file says she keeps.
    await asMallory.send(new DeleteLoginProfileCommand({ UserName: 'alice' }));
    // And the file now takes carol's access away, so iampass's own earlier write is drift too.
    await writeFile(config, CONFIG.replace('carol: { console: true }', 'carol: { console: false }'));
  }, 60_000);
  afterAll(async () => target?.close());

  const drift = (...args: string[]) => runCli(['drift', '-c', config, ...args], { env });

  it('names mallory, her key, when and from where, in text; and iampass for its own write', async () => {
    const before = target.actions().length;
    const result = await drift();
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      new RegExp(
        `  \\+ user:alice:console\\n {6}live IAM: {2}no console password\\n {6}the file: {2}a console password \\(console: true\\)\\n` +
          ` {6}changed: {3}${MALLORY_ARN} \\(DeleteLoginProfile, key ${malloryKey}\\) at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z from 127\\.0\\.0\\.1, aws-sdk-js/`,
      ),
    );
    expect(result.stdout).toMatch(
      new RegExp(`  - user:carol:console\\n(?:.*\\n){2} {6}changed: {3}iampass ${VERSION.replace(/\./g, '\\.')}, as arn:aws:iam::123456789012:user/admin \\(CreateLoginProfile, key AKIDE2E\\)`),
    );
    expect(result.stdout).toContain('Attributed 2 of 2 drifted items from CloudTrail (2 LookupEvents calls');
    // One query per event name (DeleteLoginProfile, CreateLoginProfile): two calls for two items.
    expect(target.actions().slice(before).filter((a) => a === 'LookupEvents')).toHaveLength(2);
  });

  it('puts the attribution in the JSON report, which its schema accepts', async () => {
    const result = await drift('--format', 'json');
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(schemaErrors('drift', report)).toEqual([]);
    const alice = report.items.find((i: { address: string }) => i.address === 'user:alice:console');
    expect(alice.attribution).toMatchObject({
      status: 'found',
      eventName: 'DeleteLoginProfile',
      actor: { type: 'IAMUser', arn: MALLORY_ARN, name: 'mallory', accessKeyId: malloryKey },
      sourceIp: '127.0.0.1',
      iampass: null,
    });
    const carol = report.items.find((i: { address: string }) => i.address === 'user:carol:console');
    expect(carol.attribution).toMatchObject({ status: 'found', eventName: 'CreateLoginProfile', iampass: VERSION, actor: { arn: 'arn:aws:iam::123456789012:user/admin' } });
    expect(report.text).toContain(`changed by ${MALLORY_ARN}`);
  });

  it('names her in the HTML report, next to the item', async () => {
    const out = join(dir, 'drift.html');
    const result = await drift('--format', 'markdown', '--html', out);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`    changed:   ${MALLORY_ARN} (DeleteLoginProfile, key ${malloryKey})`);
    const html = await readFile(out, 'utf8');
    const row = html.slice(html.indexOf('<code>user:alice:console</code>'), html.indexOf('</tr>', html.indexOf('<code>user:alice:console</code>')));
    expect(row).toContain(MALLORY_ARN);
    expect(row).toContain(`DeleteLoginProfile, key ${malloryKey}`);
    expect(row).toContain('127.0.0.1');
  });

  it('never shows a password, though CloudTrail recorded the calls that set them', async () => {
    const passwords = [SEEDED_PASSWORD, ...(await deliveredPasswords(join(dir, 'passwords'))).values()];
    expect(passwords.length).toBeGreaterThan(1);
    const out = join(dir, 'secret-search.html');
    const runs = await Promise.all([drift(), drift('--format', 'json', '--html', out), drift('--format', 'markdown')]);
    const everything = [...runs.flatMap((r) => [r.stdout, r.stderr]), await readFile(out, 'utf8')].join('\n');
    for (const password of passwords) expect(everything).not.toContain(password);
  });

  it('with --no-attribution, asks CloudTrail nothing and the report has no attribution', async () => {
    const before = target.actions().length;
    const result = await drift('--format', 'json', '--no-attribution');
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.attribution).toBeUndefined();
    expect(report.items.every((i: { attribution?: unknown }) => i.attribution === undefined)).toBe(true);
    expect(target.actions().slice(before)).not.toContain('LookupEvents');
  });
});
