/** Shared setup for the sandbox tests: a sandbox per test, driven through the real AWS SDK clients. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions, type SandboxSeed } from '../../src/sandbox/server.js';

export const EXAMPLE_SEED = fileURLToPath(new URL('../../examples/sandbox/account.yaml', import.meta.url));
export const ORGANIZATION_SEED = fileURLToPath(new URL('../../examples/sandbox/organization.yaml', import.meta.url));

/** Keys organization.yaml declares, by who they sign as. */
export const KEYS = {
  admin: { accessKeyId: 'AKIAADMIN00000000001', secretAccessKey: 'sandbox-admin-secret' },
  auditor: { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'sandbox-auditor-secret' },
  mallory: { accessKeyId: 'AKIAMALLORY000000001', secretAccessKey: 'sandbox-mallory-secret' },
  unknown: { accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'anything' },
} as const;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** All four SDK clients signing with `credentials`, closed after the test. */
export function clientsFor(sandbox: SandboxHandle, credentials: Credentials) {
  const common = { region: 'us-east-1', credentials, endpoint: sandbox.url, maxAttempts: 1 };
  return {
    iam: track(sandbox, new IAMClient(common)),
    sts: track(sandbox, new STSClient(common)),
    organizations: track(sandbox, new OrganizationsClient(common)),
    cloudtrail: track(sandbox, new CloudTrailClient(common)),
  };
}

/** A clock a test moves by hand, for expiry, rate limits and time windows without waiting. */
export class ManualClock {
  constructor(public current = new Date('2026-12-01T12:00:00Z')) {}

  readonly now = (): Date => new Date(this.current);

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Without retries by default, so an error reaches the test exactly as the sandbox answered it. */
export function iamClient(sandbox: SandboxHandle, maxAttempts = 1, backoffMs = 0): IAMClient {
  return new IAMClient({
    region: 'us-east-1',
    credentials,
    endpoint: sandbox.url,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => backoffMs),
  });
}

export function stsClient(sandbox: SandboxHandle): STSClient {
  return new STSClient({ region: 'us-east-1', credentials, endpoint: sandbox.url, maxAttempts: 1 });
}

const open: { sandbox: SandboxHandle; clients: { destroy(): void }[] }[] = [];
const directories: string[] = [];

afterEach(async () => {
  for (const { sandbox, clients } of open.splice(0)) {
    for (const client of clients) client.destroy();
    await sandbox.close();
  }
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A sandbox on a free port with an IAM client for it; both are closed after the test. */
export async function sandboxWith(options: SandboxOptions = {}, maxAttempts = 1): Promise<{ sandbox: SandboxHandle; iam: IAMClient }> {
  const sandbox = await startSandbox({ port: 0, faults: {}, ...options });
  const iam = iamClient(sandbox, maxAttempts);
  open.push({ sandbox, clients: [iam] });
  return { sandbox, iam };
}

/** Registers an extra client for clean-up. */
export function track<T extends { destroy(): void }>(sandbox: SandboxHandle, client: T): T {
  open.find((entry) => entry.sandbox === sandbox)?.clients.push(client);
  return client;
}

export function tempDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'iampass-sandbox-'));
  directories.push(directory);
  return directory;
}

/** A small account: the caller plus two users, one with a console password. */
export const SMALL_SEED: SandboxSeed = {
  account: '111122223333',
  caller: 'admin',
  users: [
    { name: 'admin', loginProfile: {}, canChangePassword: true },
    { name: 'alice', path: '/staff/', tags: { team: 'platform' }, loginProfile: { passwordResetRequired: false }, canChangePassword: true },
    { name: 'bob', path: '/staff/' },
  ],
};

/** Runs `call`, expecting it to fail, and returns the error for assertions. */
export async function failure(call: Promise<unknown>): Promise<Error & { name: string; $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { name: string; $metadata: { httpStatusCode?: number; requestId?: string } };
  }
  throw new Error('expected the call to fail');
}
