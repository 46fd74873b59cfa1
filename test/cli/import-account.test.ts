/** `import --account ID`: a member account of the caller's organization, read through its role, written as an account file. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importCommand } from '../../src/cli/commands/import.js';
import { parseConfig } from '../../src/config/load.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { tempDir } from '../e2e/harness.js';
import { capture } from '../support/org-run.js';

const SEED = fileURLToPath(new URL('../../examples/sandbox/organization.yaml', import.meta.url));
let sandbox: SandboxHandle;
let dir: string;

beforeEach(async () => {
  sandbox = await startSandbox({ seed: SEED, faults: { latencyMs: 0, rate: 0, burst: 0, failureRate: 0, dropRate: 0, emptyPageRate: 0 } });
  dir = await tempDir('iampass-import-');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAADMIN00000000001');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'sandbox-admin-secret');
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await sandbox.close();
});

async function run(flags: Record<string, unknown>) {
  const c = capture(dir);
  const code = await importCommand({ tag: [], concurrency: 4, endpointUrl: sandbox.url, ...flags }, c.environment, c.stop).catch((e: unknown) => e);
  return { code, stderr: c.stderr() };
}

describe('import --account', () => {
  it('reads the member account through its role and writes a file bound to that account', async () => {
    const output = join(dir, '333333333333.yaml');
    const { code, stderr } = await run({ account: '333333333333', externalId: 'staging-external-id', output });
    expect(code).toBe(0);
    expect(stderr).toContain('from account 333333333333');
    const loaded = parseConfig(await readFile(output, 'utf8'), output);
    expect(loaded.ok && loaded.state.account).toBe('333333333333');
    expect(loaded.ok && loaded.state.users.map((u) => [u.name, u.console])).toEqual([['carol', true]]);
  });

  it('says why an account cannot be reached, and writes nothing', async () => {
    const { code } = await run({ account: '555555555555', output: join(dir, 'x.yaml') });
    expect((code as Error).message).toContain('error: account 555555555555 is unreachable: AssumeRole arn:aws:iam::555555555555:role/OrganizationAccountAccessRole failed: AccessDenied');
    expect((code as Error).message).toContain('Nothing was read or written.');
  });

  it('refuses --role-name without --account', async () => {
    expect(((await run({ roleName: 'x' })).code as Error).message).toContain('name it with --account ID');
  });
});
