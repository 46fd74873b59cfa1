/** Plans and terminal helpers for the Ink view tests. */
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { expect, vi } from 'vitest';
import type { LiveUser } from '../../src/model/live.js';
import { diff } from '../../src/plan/diff.js';
import type { Plan } from '../../src/model/plan.js';
import type { PlanHeader } from '../../src/ui/types.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';

export const HEADER: PlanHeader = {
  account: '123456789012',
  callerArn: 'arn:aws:iam::123456789012:user/admin',
  configFile: 'iampass.yaml',
};

/**
 * One action of each kind: the policy tightened, alice enabled (password encrypted to her key), bob's pending
 * reset cleared, carol and dave
 * disabled;
 * erin unchanged, zoe kept (protected), three users out of scope.
 */
export function mixedPlan(): Plan {
  return diff(
    desiredState({
      passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
      scope: { unlisted: 'disable', protected: ['zoe'] },
      users: [
        { name: 'alice', pgpKey: '/keys/alice.asc' },
        { name: 'bob', passwordResetRequired: false },
        { name: 'carol', console: false },
        { name: 'erin' },
      ],
    }),
    liveState({
      passwordPolicy: { ...CIS_POLICY, minimumLength: 8, maxAgeDays: null },
      users: [
        liveUser('alice', null),
        liveUser('bob', profile(true)),
        liveUser('carol', profile(false), { passwordLastUsed: '2026-03-04T05:06:07Z' }),
        liveUser('dave', profile(false)),
        liveUser('erin', profile(false)),
        liveUser('zoe', profile(false)),
      ],
      outOfScopeCount: 3,
    }),
  );
}

/** `count` users listed with console access and none yet: `count` creates, named user000, user001, ... */
export function manyCreatesPlan(count: number): Plan {
  const names = Array.from({ length: count }, (_, i) => `user${String(i).padStart(3, '0')}`);
  return diff(
    desiredState({ users: names.map((name) => ({ name, pgpKey: `/keys/${name}.asc` })) }),
    liveState({ users: names.map((name): LiveUser => liveUser(name, null)) }),
  );
}

/** `mixedPlan` with two warnings, one acknowledged, and the credential report they came from. */
export function warnedPlan(base: Plan = mixedPlan()): Plan {
  return {
    ...base,
    warnings: [
      { id: 'IP101', user: 'carol', message: 'carol keeps 1 active access key after console access is removed', fix: 'deactivate carol\'s access keys too' },
      {
        id: 'IP103',
        user: 'erin',
        message: 'erin keeps console access without an MFA device (CIS 1.10)',
        fix: 'assign an MFA device to erin',
        acknowledged: { reason: 'hardware key on order' },
      },
    ],
    credentialReport: { generatedTime: '2026-11-27T10:00:00.000Z', ageMinutes: 12 },
  };
}

export function noChangesPlan(): Plan {
  return diff(
    desiredState({ users: [{ name: 'erin' }] }),
    liveState({ users: [liveUser('erin', profile(false))], unlistedIgnored: ['yan'], outOfScopeCount: 2 }),
  );
}

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  pageDown: '\u001B[6~',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

export function text(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '');
}

/** The line of the frame holding the cursor marker `>`, or undefined. */
export function cursorLine(frame: string | undefined): string | undefined {
  return text(frame)
    .split('\n')
    .find((line) => line.startsWith('> '));
}

/** Gives ink-testing-library's stdout a size and tells the views, as a terminal resize does. */
export function resize(stdout: EventEmitter, size: { rows: number; columns: number }): void {
  Object.defineProperty(stdout, 'rows', { value: size.rows, configurable: true });
  Object.defineProperty(stdout, 'columns', { value: size.columns, configurable: true });
  stdout.emit('resize');
}

/** Waits until the view listens for keys (Ink attaches its stdin listener in an effect, after the first frame). */
export async function keysReady(stdin: EventEmitter): Promise<void> {
  await vi.waitFor(() => expect(stdin.listenerCount('readable')).toBeGreaterThan(0));
}

/** Stand-in terminal streams for the wrappers in run.tsx, which take real Node streams. */
export class FakeStdout extends EventEmitter {
  isTTY = true;
  rows = 30;
  columns = 100;
  output = '';
  write = (data: string, callback?: () => void): boolean => {
    this.output += data;
    callback?.();
    return true;
  };
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
  }
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export function fakeUi(color = false) {
  const stdout = new FakeStdout();
  const stderr = new FakeStdout();
  const stdin = new FakeStdin();
  return {
    stdout,
    stdin,
    opts: {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      color,
    },
  };
}

/** The fix of every warning in `manyWarningsPlan`: long enough to need wrapping on any terminal. */
export const LONG_FIX =
  'assign an MFA device to the user and require MFA for console sign-in with a policy that denies everything ' +
  'else without aws:MultiFactorAuthPresent, then plan again to see this warning go away for good';

/** `manyCreatesPlan(count)` where every user also has an IP103 warning with a long fix. */
export function manyWarningsPlan(count: number): Plan {
  const base = manyCreatesPlan(count);
  return {
    ...base,
    warnings: base.actions.map((a, i) => {
      const user = `user${String(i).padStart(3, '0')}`;
      return { id: 'IP103', user, message: `${user} gets console access without an MFA device (CIS 1.10)`, fix: LONG_FIX };
    }),
    credentialReport: { generatedTime: '2026-11-27T10:00:00.000Z', ageMinutes: 12 },
  };
}
