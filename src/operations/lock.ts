/**
 * One apply at a time per account, across machines (two CI runners, a laptop and a CronJob). IAM has no conditional
 * writes, but creating a uniquely named object is atomic: the lock is a customer-managed policy,
 * `/iampass/iampass-apply-lock`, that grants nothing and is attached to nobody. Whoever creates it holds the lock;
 * its tags say who (caller ARN, host and process), since when and until when. The holder renews the expiry while it
 * works and deletes the policy when done. A lock left by a killed run expires (default 10 minutes after its last
 * renewal) or is broken explicitly with `iampass force-unlock ID`. `plan` never takes it.
 *
 * The known limit: two runs that find the same expired lock at the same moment may both break it; each then
 * checks, before its first write, that the lock it created is still its own.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { IamError } from '../iam/errors.js';
import type { IamGateway } from '../iam/gateway.js';
import { UserError } from '../util/user-error.js';

export const LOCK_PATH = '/iampass/';
export const LOCK_NAME = 'iampass-apply-lock';
export const DEFAULT_LOCK_TTL_MS = 10 * 60_000;

/** A policy that matches nothing anyone could use: the lock is its name, not its content. */
const LOCK_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'IampassApplyLock', Effect: 'Deny', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/iampass-apply-lock-grants-nothing' }],
});

const TAG = { id: 'iampass:lock-id', holder: 'iampass:lock-holder', host: 'iampass:lock-host', since: 'iampass:lock-since', expires: 'iampass:lock-expires' } as const;

/** Who holds a lock, as its tags say. */
export interface LockInfo {
  id: string;
  holder: string;
  host: string;
  since: string;
  expires: string;
}

export interface HeldLock {
  info: LockInfo;
  /** Deletes the lock if it is still this run's; says so otherwise. Never throws. */
  release(): Promise<string | null>;
  /** Whether the lock is still this run's (someone may have broken it). */
  stillHeld(): Promise<boolean>;
}

export interface LockOptions {
  /** The caller's ARN: the lock's ARN is built from its partition and account. */
  callerArn: string;
  account: string;
  /** How long to wait for a lock another run holds; 0: refuse at once. */
  waitMs: number;
  ttlMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told once when the lock is held by another run and this one waits. */
  onWait?: (info: LockInfo) => void;
}

export function lockArn(callerArn: string, account: string): string {
  const partition = callerArn.split(':')[1] || 'aws';
  return `arn:${partition}:iam::${account}:policy${LOCK_PATH}${LOCK_NAME}`;
}

export async function acquireApplyLock(gateway: IamGateway, options: LockOptions): Promise<HeldLock> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const ttl = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  const arn = lockArn(options.callerArn, options.account);
  const deadline = now() + options.waitMs;
  let told = false;
  for (;;) {
    const info: LockInfo = {
      id: randomBytes(8).toString('hex'),
      holder: options.callerArn.slice(0, 256),
      host: `${hostname()} pid ${process.pid}`.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256),
      since: new Date(now()).toISOString(),
      expires: new Date(now() + ttl).toISOString(),
    };
    try {
      await gateway.createPolicy({ path: LOCK_PATH, name: LOCK_NAME, document: LOCK_DOCUMENT, description: description(info), tags: tagsOf(info) });
      return held(gateway, arn, info, ttl, now);
    } catch (error) {
      if (!(error instanceof IamError) || error.code !== 'EntityAlreadyExists') throw error;
    }
    const current = await readLock(gateway, arn);
    if (current === null) continue; // released in between: try again
    if (Date.parse(current.expires) <= now()) {
      await deleteLock(gateway, arn);
      continue;
    }
    if (now() >= deadline) throw heldError(current, options.account);
    if (!told) options.onWait?.(current);
    told = true;
    await sleep(Math.min(5_000, Math.max(100, deadline - now())));
  }
}

/** The lock as its tags describe it, or `null` when there is none. */
export async function readLock(gateway: IamGateway, arn: string): Promise<LockInfo | null> {
  const tags = await gateway.getPolicyTags(arn);
  if (tags === null) return null;
  return {
    id: tags[TAG.id] ?? '(unknown)',
    holder: tags[TAG.holder] ?? '(unknown)',
    host: tags[TAG.host] ?? '(unknown)',
    since: tags[TAG.since] ?? '(unknown)',
    expires: tags[TAG.expires] ?? new Date(0).toISOString(),
  };
}

/** `force-unlock`: deletes the lock when its id is `id`. */
export async function breakLock(gateway: IamGateway, arn: string, id: string): Promise<LockInfo> {
  const current = await readLock(gateway, arn);
  if (current === null) throw new UserError('error: no apply lock is held on this account\nNothing was changed.');
  if (current.id !== id) {
    throw new UserError(
      `error: the lock held is ${current.id} (${describeHolder(current)}), not ${id}\n` +
        `  fix: check that run has stopped, then \`iampass force-unlock ${current.id}\`\nNothing was changed.`,
    );
  }
  await deleteLock(gateway, arn);
  return current;
}

export function describeHolder(info: LockInfo): string {
  return `held by ${info.holder} on ${info.host} since ${info.since}, until ${info.expires} unless renewed`;
}

function held(gateway: IamGateway, arn: string, info: LockInfo, ttl: number, now: () => number): HeldLock {
  // Renewed at a third of its lifetime, so a run that is merely slow never loses it; unref'd, so it never keeps
  // the process alive.
  const timer = setInterval(() => {
    void gateway.tagPolicy(arn, { [TAG.expires]: new Date(now() + ttl).toISOString() }).catch(() => {});
  }, Math.max(1_000, Math.floor(ttl / 3)));
  timer.unref();
  const stillHeld = async () => (await readLock(gateway, arn).catch(() => null))?.id === info.id;
  return {
    info,
    stillHeld,
    async release() {
      clearInterval(timer);
      try {
        if (!(await stillHeld())) return `the apply lock ${info.id} was no longer this run's (broken or expired); it was left alone`;
        await deleteLock(gateway, arn);
        return null;
      } catch (error) {
        return `releasing the apply lock ${info.id} failed (${(error as Error).message}); it expires at ${info.expires} unless renewed, or run \`iampass force-unlock ${info.id}\``;
      }
    },
  };
}

async function deleteLock(gateway: IamGateway, arn: string): Promise<void> {
  try {
    await gateway.deletePolicy(arn);
  } catch (error) {
    if (!(error instanceof IamError && error.code === 'NoSuchEntity')) throw error;
  }
}

function heldError(info: LockInfo, account: string): UserError {
  return new UserError(
    `error: another apply is running on account ${account}: lock ${info.id}, ${describeHolder(info)}\n` +
      `  fix: wait for it (--lock-timeout 10m waits up to ten minutes), or if that run is dead: \`iampass force-unlock ${info.id}\`\n` +
      'Nothing was changed.',
  );
}

function description(info: LockInfo): string {
  return `iampass apply lock ${info.id}: grants nothing. Held by ${info.holder} on ${info.host} since ${info.since}. Delete with: iampass force-unlock ${info.id}`.slice(0, 1000);
}

function tagsOf(info: LockInfo): Record<string, string> {
  return { [TAG.id]: info.id, [TAG.holder]: info.holder, [TAG.host]: info.host, [TAG.since]: info.since, [TAG.expires]: info.expires };
}
