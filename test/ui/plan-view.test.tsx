import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { PlanView } from '../../src/ui/PlanView.js';
import type { Plan } from '../../src/model/plan.js';
import { cursorLine, HEADER, KEY, keysReady, manyCreatesPlan, mixedPlan, noChangesPlan, resize, text, warnedPlan } from './support.js';

afterEach(cleanup);

function browse(plan: Plan = mixedPlan()) {
  const onQuit = vi.fn();
  const view = render(<PlanView mode="browse" plan={plan} header={HEADER} color={false} onQuit={onQuit} />);
  return { ...view, onQuit, frame: () => text(view.lastFrame()) };
}

describe('the plan view', () => {
  it('shows the account, caller and file, then actions grouped by kind with their symbols and reasons', () => {
    const { frame } = browse();
    const lines = frame().split('\n');
    expect(lines[0]).toBe('Account 123456789012 (as arn:aws:iam::123456789012:user/admin)');
    expect(lines[1]).toBe('Config iampass.yaml');
    const body = frame();
    const order = ['Password policy (1)', 'Enable console access (1)', 'Change (1)', 'Disable console access (2)'];
    const positions = order.map((heading) => body.indexOf(heading));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(body).toContain('~ password policy  # the live policy differs in minimumLength, maxAgeDays');
    expect(body).toContain('+ alice            # listed with console: true and has no console password');
    expect(body).toContain('~ bob              # a password reset is pending');
    expect(body).toContain('- carol            # listed with console: false');
  });

  it('collapses untouched users into counts and keeps the summary line at the bottom', () => {
    const lines = browse().frame().split('\n');
    expect(lines).toContain('1 governed user unchanged, 3 users out of scope.');
    const summary = lines.findIndex((l) => l === 'Plan: 1 to add, 2 to change, 2 to destroy.');
    expect(summary).toBeGreaterThan(0);
    expect(lines.slice(summary + 1).every((l) => !l.startsWith('  ') || l.startsWith('keys'))).toBe(true);
  });

  it('shows users kept because they are protected, with the reason, once scrolled to the end', async () => {
    const { stdin, frame } = browse();
    await keysReady(stdin);
    stdin.write('G');
    await vi.waitFor(() => expect(frame()).toContain('= zoe'));
    expect(frame()).toContain('Kept (protected) (1)');
    expect(frame()).toContain('= zoe              kept: in scope and unlisted with scope.unlisted: disable, but protected');
  });

  it('says "No changes" in one line when there is nothing to do, and listens for no keys', () => {
    const { frame, stdin } = browse(noChangesPlan());
    expect(frame()).toContain('No changes. Live IAM matches the configuration.');
    expect(frame()).toContain('1 governed user unchanged, 1 unlisted user ignored (scope.unlisted: ignore), 2 users out of scope.');
    expect(frame()).not.toContain('keys:');
    expect(stdin.listenerCount('readable')).toBe(0);
  });

  it('moves the cursor with down/up arrows and j/k', async () => {
    const { stdin, lastFrame } = browse();
    await keysReady(stdin);
    expect(cursorLine(lastFrame())).toContain('password policy');
    stdin.write(KEY.down);
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('alice'));
    stdin.write('j');
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('bob'));
    stdin.write('k');
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('alice'));
    stdin.write(KEY.up);
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('password policy'));
    stdin.write(KEY.up);
    await vi.waitFor(() => expect(text(lastFrame())).toContain('action 1 of 5'));
    expect(cursorLine(lastFrame())).toContain('password policy');
  });

  it('handles keys that arrive in one chunk one by one (a paste, tmux send-keys)', async () => {
    const { stdin, lastFrame } = browse();
    await keysReady(stdin);
    stdin.write('jjj');
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('carol'));
    stdin.write('j');
    stdin.write('k');
    stdin.write('j');
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('dave'));
  });

  it('opens the details of the selected action on enter, with its before and after, and closes on esc or enter', async () => {
    const { stdin, frame } = browse();
    await keysReady(stdin);
    stdin.write('j');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('before: no console password'));
    expect(frame()).toContain(
      '+ alice: enable console access with a generated password, reset required at first sign-in',
    );
    expect(frame()).toContain('after:  console password; password reset required: yes');
    expect(frame()).toContain('password: (sensitive value) generated at apply');
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).not.toContain('before:'));
    expect(frame()).toContain('Enable console access (1)');

    stdin.write('jj');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('- carol: disable console access (last sign-in 2026-03-04'));
    expect(frame()).toContain('before: console password, created 2026-01-02; password reset required: no');
    expect(frame()).toContain('last console sign-in: 2026-03-04T05:06:07Z');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).not.toContain('before:'));
  });

  it('shows the password policy change field by field as json-diff lines', async () => {
    const { stdin, stdout, frame } = browse();
    resize(stdout, { rows: 40, columns: 100 });
    await keysReady(stdin);
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('~ password policy: update the password policy'));
    expect(frame()).toMatch(/^ {2}- {2}minimumLength: 8$/m);
    expect(frame()).toMatch(/^ {2}\+ {2}minimumLength: 14$/m);
    expect(frame()).toMatch(/^ {2}- {2}maxAgeDays: never$/m);
    expect(frame()).toMatch(/^ {2}\+ {2}maxAgeDays: 90$/m);
    expect(frame()).toMatch(/^ {5}requireUppercase: true$/m);
  });

  it('filters by user name: / then typed text narrows the list, enter ends typing, esc clears', async () => {
    const { stdin, frame, lastFrame } = browse();
    await keysReady(stdin);
    stdin.write('/');
    stdin.write('a');
    await vi.waitFor(() => expect(frame()).toContain('filter: a█'));
    expect(frame()).toContain('carol');
    stdin.write('r');
    await vi.waitFor(() => expect(frame()).toContain('filter: ar█'));
    expect(frame()).toContain('- carol');
    expect(frame()).not.toContain('alice');
    expect(frame()).not.toContain('bob');
    expect(frame()).not.toContain('dave');
    expect(frame()).toContain('action 1 of 1 (5 in the plan)');
    // The summary still describes the whole plan.
    expect(frame()).toContain('Plan: 1 to add, 2 to change, 2 to destroy.');

    stdin.write(KEY.backspace);
    stdin.write('l');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('filter: al (esc clears)'));
    expect(frame()).toContain('+ alice');
    expect(frame()).not.toContain('carol');
    // Typing has ended: j moves again rather than filtering.
    stdin.write('j');
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('alice'));
    expect(frame()).toContain('filter: al (esc clears)');

    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).not.toContain('filter:'));
    expect(frame()).toContain('- carol');
    expect(frame()).toContain('action 1 of 5');
  });

  it('says so when no action matches the filter', async () => {
    const { stdin, frame } = browse();
    await keysReady(stdin);
    stdin.write('/nobody');
    await vi.waitFor(() => expect(frame()).toContain('no action matches'));
    stdin.write(KEY.enter);
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('filter: nobody (esc clears)'));
    expect(frame()).not.toContain('before:');
  });

  it('quits on q, and on ctrl-c', async () => {
    const first = browse();
    await keysReady(first.stdin);
    first.stdin.write('q');
    await vi.waitFor(() => expect(first.onQuit).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(first.frame()).not.toContain('keys:'));

    const second = browse();
    await keysReady(second.stdin);
    second.stdin.write(KEY.ctrlC);
    await vi.waitFor(() => expect(second.onQuit).toHaveBeenCalledTimes(1));
  });
});

describe('warnings in the plan view', () => {
  it('keeps a line counting them above the summary, and offers w in the key help', () => {
    const lines = browse(warnedPlan()).frame().split('\n');
    const notice = lines.indexOf('Warnings (2, 1 acknowledged): press w to read them');
    expect(notice).toBeGreaterThan(0);
    expect(lines[notice + 1]).toBe('Plan: 1 to add, 2 to change, 2 to destroy.');
    expect(lines.at(-1)).toContain('· w warnings ·');
  });

  it('opens them on w: each id with its message, the fix or the acknowledgement, and the report used; closes on w or esc', async () => {
    const { stdin, frame } = browse(warnedPlan());
    await keysReady(stdin);
    stdin.write('w');
    await vi.waitFor(() => expect(frame()).toContain('Warnings (2, 1 acknowledged):\n'));
    const body = frame();
    expect(body).toContain('  IP101 carol keeps 1 active access key after console access is removed\n        fix: deactivate carol\'s access keys too');
    expect(body).toContain('  IP103 erin keeps console access without an MFA device (CIS 1.10)\n        acknowledged: hardware key on order');
    expect(body).toContain('Advisories used the credential report generated 2026-11-27 10:00 UTC, 12 minutes before this plan.');
    expect(body).toContain('w/esc close');
    expect(body).not.toContain('Enable console access (1)');
    stdin.write('w');
    await vi.waitFor(() => expect(frame()).toContain('Enable console access (1)'));
    stdin.write('w');
    await vi.waitFor(() => expect(frame()).toContain('IP101 carol'));
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).not.toContain('IP101 carol'));
  });

  it('ignores w when there are no warnings', async () => {
    const { stdin, frame } = browse();
    await keysReady(stdin);
    stdin.write('w');
    stdin.write('j');
    await vi.waitFor(() => expect(frame()).toContain('action 2 of 5'));
    expect(frame()).not.toContain('Warnings');
    expect(frame()).not.toContain('w warnings');
  });

  it('shows them under the plan when there is nothing to browse (no changes)', () => {
    const { frame } = browse(warnedPlan(noChangesPlan()));
    const body = frame();
    expect(body).toContain('Warnings (2, 1 acknowledged):\n  IP101 carol keeps 1 active access key');
    expect(body).toContain('Warnings (2, 1 acknowledged)\nNo changes. Live IAM matches the configuration.');
    expect(body).not.toContain('press w');
  });
});

describe('the plan view on a small terminal', () => {
  const rows = 12;
  const columns = 50;

  async function small(count: number) {
    const view = browse(manyCreatesPlan(count));
    resize(view.stdout, { rows, columns });
    await keysReady(view.stdin);
    await vi.waitFor(() => expect(view.frame().split('\n').length).toBeLessThan(rows));
    return view;
  }

  const selected = (frame: string | undefined) => cursorLine(frame)?.match(/user\d{3}/)?.[0];

  it('scrolls 300 actions so the cursor stays in view, with the summary always at the bottom', async () => {
    const { stdin, lastFrame, frame } = await small(300);
    expect(selected(lastFrame())).toBe('user000');
    for (let i = 1; i <= 40; i++) {
      stdin.write('j');
      await vi.waitFor(() => expect(selected(lastFrame())).toBe(`user${String(i).padStart(3, '0')}`));
      const lines = frame().split('\n');
      expect(lines.length).toBeLessThan(rows);
      expect(lines).toContain('Plan: 300 to add, 0 to change, 0 to destroy.');
    }
    expect(frame()).not.toContain('user000');
    expect(frame()).toContain('action 41 of 300');

    stdin.write('G');
    await vi.waitFor(() => expect(selected(lastFrame())).toBe('user299'));
    expect(frame()).toContain('Plan: 300 to add, 0 to change, 0 to destroy.');
    stdin.write(KEY.up);
    await vi.waitFor(() => expect(selected(lastFrame())).toBe('user298'));
    stdin.write('g');
    await vi.waitFor(() => expect(selected(lastFrame())).toBe('user000'));
    expect(frame()).toContain('Enable console access (300)');
  });

  it('scrolls back up when the cursor moves above the window', async () => {
    const { stdin, lastFrame, frame } = await small(300);
    for (let i = 0; i < 5; i++) stdin.write(KEY.pageDown);
    // A page is the window less one line: 3 rows here, under two lines of key help at 50 columns.
    await vi.waitFor(() => expect(frame()).toContain('action 11 of 300'));
    expect(selected(lastFrame())).toBe('user010');
    for (let i = 9; i >= 0; i--) {
      stdin.write('k');
      await vi.waitFor(() => expect(selected(lastFrame())).toBe(`user${String(i).padStart(3, '0')}`));
    }
  });

  it('cuts lines at the terminal width instead of wrapping them', async () => {
    const { frame } = await small(5);
    const lines = frame().split('\n');
    expect(lines.some((l) => l.endsWith('…'))).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
    expect(lines[0]).toBe('Account 123456789012 (as arn:aws:iam::12345678901…');
  });
});

describe('colour', () => {
  it('writes no colour codes with color: false', () => {
    const { lastFrame } = browse();
    expect(lastFrame()).not.toContain('\u001B[');
  });
});
