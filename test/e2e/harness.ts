/**
 * End-to-end harness: runs the built `iampass` binary as a user would, against a real HTTP IAM endpoint
 * (the project's sandbox, or moto), and keeps every byte the run produced so tests can search it for secrets.
 */
import { spawn, spawnSync } from 'node:child_process';
import { scrypt } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateLoginProfileCommand,
  GetLoginProfileCommand,
  NoSuchEntityException,
  CreateUserCommand,
  EntityAlreadyExistsException,
  IAMClient,
  TagUserCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
  type UpdateAccountPasswordPolicyCommandInput,
} from '@aws-sdk/client-iam';
import { startSandbox } from '../../src/sandbox/server.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Everything any run printed or wrote, for the secret search. */
export const transcript: string[] = [];

export function baseEnv(url: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIDE2E',
    AWS_SECRET_ACCESS_KEY: 'e2e-secret',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NO_COLOR: '1',
  };
  return env;
}

/** Runs the binary asynchronously (an in-process sandbox must keep answering meanwhile). */
export function runCli(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      transcript.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function tempDir(prefix = 'iampass-e2e-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A running IAM endpoint the binary can be pointed at. */
export interface Target {
  name: 'sandbox' | 'moto';
  url: string;
  iam: IAMClient;
  close(): Promise<void>;
  /** What the endpoint itself keeps (state file, request log), for the secret search. */
  artefacts(): Promise<string[]>;
  /** Requests the endpoint has answered, where it can tell (the sandbox can; moto cannot). */
  requests(): number | null;
  /** The IAM actions received so far, in order, where the endpoint can tell (the sandbox's request log). */
  actions(): string[];
  /** The sandbox's request log so far (`<time> <Action> user=<name> <status> <ms>`), or null where there is none. */
  requestLog(): string[] | null;
}

export async function sandboxTarget(options: { faults?: Record<string, number>; seed?: string } = {}): Promise<Target> {
  const dir = await tempDir('iampass-sandbox-');
  const statePath = join(dir, 'state.json');
  const log: string[] = [];
  const handle = await startSandbox({
    port: 0,
    statePath,
    log: (line) => log.push(line),
    faults: { latencyMs: 0, rate: 0, burst: 0, failureRate: 0, dropRate: 0, ...options.faults },
    ...(options.seed ? { seed: options.seed } : {}),
  });
  return {
    name: 'sandbox',
    url: handle.url,
    iam: sdkClient(handle.url),
    close: () => handle.close(),
    artefacts: async () => [await readFile(statePath, 'utf8').catch(() => ''), log.join('\n')],
    requests: () => handle.requestCount(),
    // `2026-11-27T17:00:00.000Z ListUsers user=- 200 1ms`
    actions: () => log.map((line) => line.split(' ')[1] ?? ''),
    requestLog: () => [...log],
  };
}

export function motoAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;
}

export async function motoTarget(): Promise<Target> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('moto did not start within 20 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: 'moto',
    url,
    iam: sdkClient(url),
    close: async () => {
      child.kill();
    },
    artefacts: async () => [],
    requests: () => null,
    actions: () => [],
    requestLog: () => null,
  };
}

function sdkClient(url: string): IAMClient {
  return new IAMClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDE2E', secretAccessKey: 'e2e-secret' } });
}

/** An account built through the IAM API, the same way on every target. */
export interface AccountSpec {
  policy?: UpdateAccountPasswordPolicyCommandInput;
  users: Array<{
    name: string;
    path?: string;
    tags?: Record<string, string>;
    /** A console password that exists before iampass runs, set by an administrator. */
    console?: { passwordResetRequired: boolean };
  }>;
}

/** The password the "administrator" gave pre-existing users; part of the secret search too. */
export const SEEDED_PASSWORD = 'Seeded-Pa55word!-e2e';

export async function buildAccount(target: Target, spec: AccountSpec): Promise<void> {
  if (spec.policy) await target.iam.send(new UpdateAccountPasswordPolicyCommand(spec.policy));
  for (const u of spec.users) {
    try {
      await target.iam.send(new CreateUserCommand({ UserName: u.name, Path: u.path ?? '/' }));
    } catch (error) {
      // The sandbox starts with its caller (admin, console-enabled), as a real account has its administrator.
      if (error instanceof EntityAlreadyExistsException) continue;
      throw error;
    }
    const tags = Object.entries(u.tags ?? {});
    if (tags.length > 0) await target.iam.send(new TagUserCommand({ UserName: u.name, Tags: tags.map(([Key, Value]) => ({ Key, Value })) }));
    if (u.console) {
      await target.iam.send(new CreateLoginProfileCommand({ UserName: u.name, Password: SEEDED_PASSWORD, PasswordResetRequired: u.console.passwordResetRequired }));
    }
  }
}

/** What a user does when they pick their own password at first sign-in: IAM clears the reset flag. */
export async function userChoosesOwnPassword(target: Target, name: string): Promise<void> {
  await target.iam.send(new UpdateLoginProfileCommand({ UserName: name, Password: 'Own-Ch0sen-Passw0rd!', PasswordResetRequired: false }));
}

export async function writeConfig(dir: string, yaml: string): Promise<string> {
  const file = join(dir, 'iampass.yaml');
  await writeFile(file, yaml);
  return file;
}

/** Every password apply delivered into `dir` (one `<user>.password` file each). */
/**
 * The plain-text passwords under `--password-dir DIR`: each user's newest confirmed delivery
 * (`DIR/ACCOUNT/USER.STAMP.password`, where STAMP sorts by time), by user name. Unconfirmed ones (`.unconfirmed`)
 * are left out: they are not a promise of the password IAM holds. `everyDelivered` has those too.
 */
export async function deliveredPasswords(dir: string, account = '123456789012'): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const folder = join(dir, account);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((f) => /\.\d{8}T\d{9}Z-[0-9a-f]{6}-\d{4}\.password$/.test(f)).sort();
  for (const f of names) out.set(f.replace(/\.\d{8}T.*$/, ''), (await readFile(join(folder, f), 'utf8')).trim());
  return out;
}

/** Every password delivered in plain text under DIR, confirmed or not, for the search for leaks. */
export async function everyDelivered(dir: string, account = '123456789012'): Promise<string[]> {
  const folder = join(dir, account);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((f) => /\.password(\.unconfirmed)?$/.test(f));
  return Promise.all(names.map(async (f) => (await readFile(join(folder, f), 'utf8')).trim()));
}

/** The one file, under an account's delivery folder, that holds `user`'s newest confirmed delivery ending in `suffix`. */
export async function newestDelivery(dir: string, user: string, suffix = '.password.asc', account = '123456789012'): Promise<string> {
  const folder = join(dir, account);
  const escaped = user.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped}\\.\\d{8}T\\d{9}Z-[0-9a-f]{6}-\\d{4}${suffix.replace(/\./g, '\\.')}$`);
  const names = (await readdir(folder)).filter((f) => pattern.test(f)).sort();
  const newest = names.at(-1);
  if (newest === undefined) throw new Error(`no delivery for ${user} in ${folder}`);
  return join(folder, newest);
}

const scryptAsync = promisify(scrypt) as (p: string, s: Buffer, n: number, o: object) => Promise<Buffer>;

/**
 * Does the sandbox's stored hash for `user` (in `account`, default its first) match `password`? The final word on
 * whether a delivered password is the one IAM holds. (The hash format: scrypt$N$r$p$salt$hash.)
 */
export async function sandboxAccepts(target: Target, user: string, password: string, account?: string): Promise<boolean> {
  const [state = '{}'] = await target.artefacts();
  type Users = Array<{ name: string; loginProfile: { passwordHash: string | null } | null }>;
  const accounts = (JSON.parse(state) as { accounts?: Array<{ id: string; users: Users }> }).accounts ?? [];
  const users = (account === undefined ? accounts[0] : accounts.find((a) => a.id === account))?.users ?? [];
  const stored = users.find((u) => u.name === user)?.loginProfile?.passwordHash;
  if (!stored) return false;
  const [, N, r, p, salt, hash] = stored.split('$');
  const derived = await scryptAsync(password, Buffer.from(salt ?? '', 'base64'), 32, { N: Number(N), r: Number(r), p: Number(p) });
  return derived.toString('base64') === hash;
}

/** The user's login profile as the endpoint reports it now, `null` when there is none. */
export async function loginProfileOf(target: Target, user: string) {
  try {
    return (await target.iam.send(new GetLoginProfileCommand({ UserName: user }))).LoginProfile ?? null;
  } catch (error) {
    if (error instanceof NoSuchEntityException) return null;
    throw error;
  }
}
