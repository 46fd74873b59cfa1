import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import type { ApplyReport } from '../../src/apply/execute.js';
import type { ReadProgress } from '../../src/iam/read.js';
import type { Action } from '../../src/model/plan.js';
import { browsePlan, followApply, reviewAndConfirm, showRefresh } from '../../src/ui/run.js';
import { fakeUi, HEADER, KEY, manyCreatesPlan, mixedPlan, noChangesPlan } from './support.js';

const progress: ReadProgress = { phase: 'users', usersListed: 7, usersInScope: 3, profilesRead: 0, profilesToRead: 0 };
const poll = () => ({ progress, stats: { calls: 2, retries: 0, throttled: 0 } });

describe('the Ink wrappers', () => {
  it('showRefresh shows progress while the read runs and returns its result', async () => {
    const { stdout, opts } = fakeUi();
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const shown = showRefresh(work, poll, opts);
    await vi.waitFor(() => expect(stripVTControlCharacters(stdout.output)).toContain('users 7 read, 3 in scope'));
    finish('the plan');
    await expect(shown).resolves.toBe('the plan');
  });

  it('showRefresh rethrows the read failure', async () => {
    const { opts } = fakeUi();
    await expect(showRefresh(Promise.reject(new Error('AccessDenied')), poll, opts)).rejects.toThrow('AccessDenied');
  });

  it('browsePlan resolves at once when there are no changes, without taking the keyboard', async () => {
    const { stdout, stdin, opts } = fakeUi();
    const setRawMode = vi.spyOn(stdin, 'setRawMode');
    await browsePlan(noChangesPlan(), HEADER, opts);
    expect(stripVTControlCharacters(stdout.output)).toContain('No changes. Live IAM matches the configuration.');
    expect(setRawMode).not.toHaveBeenCalled();
  });

  it('browsePlan resolves when the person presses q', async () => {
    const { stdin, opts } = fakeUi();
    let resolved = false;
    const browsing = browsePlan(mixedPlan(), HEADER, opts).then(() => {
      resolved = true;
    });
    await vi.waitFor(() => expect(stdin.listenerCount('readable')).toBeGreaterThan(0));
    stdin.write('jj');
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    stdin.write('q');
    await browsing;
    expect(stdin.listenerCount('readable')).toBe(0);
  });

  it.each([
    ['yes', true],
    ['no', false],
    ['yess', false],
  ] as const)('reviewAndConfirm answers %s with %s', async (typed, approved) => {
    const { stdin, opts } = fakeUi();
    const answer = reviewAndConfirm(mixedPlan(), HEADER, opts);
    await vi.waitFor(() => expect(stdin.listenerCount('readable')).toBeGreaterThan(0));
    stdin.write(typed);
    stdin.write(KEY.enter);
    await expect(answer).resolves.toBe(approved);
  });

  it('reviewAndConfirm answers no at once when there is nothing to approve', async () => {
    const { opts } = fakeUi();
    await expect(reviewAndConfirm(noChangesPlan(), HEADER, opts)).resolves.toBe(false);
  });

  it('reviewAndConfirm answers no without waiting when the terminal cannot give keys', async () => {
    const { stdin, opts } = fakeUi();
    stdin.isTTY = false;
    await expect(reviewAndConfirm(mixedPlan(), HEADER, opts)).resolves.toBe(false);
  });

  it('followApply draws the events it is given, says when it is stopping, and ends with the summary', async () => {
    const { stdout, opts } = fakeUi();
    const plan = manyCreatesPlan(3);
    const [a0, a1] = plan.actions as [Action, Action, Action];
    const follower = followApply(plan, opts);
    follower.onEvent({ type: 'started', index: 0, action: a0 });
    follower.onEvent({ type: 'finished', result: { index: 0, action: a0, status: 'ok', message: 'console access enabled' } });
    follower.onEvent({ type: 'started', index: 1, action: a1 });
    follower.stopping();
    await vi.waitFor(() => expect(stripVTControlCharacters(stdout.output)).toContain('stopping: finishing calls in flight'));
    const failed = { index: 1, action: a1, status: 'failed', code: 'LimitExceeded', message: 'slow down' } as const;
    follower.onEvent({ type: 'finished', result: failed });
    const report: ApplyReport = {
      results: [
        { index: 0, action: a0, status: 'ok', message: 'console access enabled' },
        failed,
        { index: 2, action: plan.actions[2] as Action, status: 'not-run', message: 'not started' },
      ],
      interrupted: true,
    };
    await follower.finish(report);
    const output = stripVTControlCharacters(stdout.output);
    expect(output).toContain('done     + user000: console access enabled');
    expect(output).toContain('FAILED   + user001: LimitExceeded: slow down');
    expect(output).toContain('Apply incomplete. 1 done, 1 failed, 1 not started (interrupted).');
    // Calls after the end change nothing.
    follower.onEvent({ type: 'started', index: 2, action: plan.actions[2] as Action });
    await follower.finish(report);
  });
});
