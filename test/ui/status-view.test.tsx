import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusReport } from '../../src/plan/status.js';
import { StatusView } from '../../src/ui/StatusView.js';
import { statusReport } from '../support/reports.js';
import { cursorLine, KEY, keysReady, resize, text } from './support.js';

afterEach(cleanup);

function browse(report: StatusReport = statusReport()) {
  const onQuit = vi.fn();
  const view = render(<StatusView report={report} color={false} onQuit={onQuit} />);
  resize(view.stdout, { rows: 30, columns: 160 });
  return { ...view, onQuit, frame: () => text(view.lastFrame()) };
}

/** The user names in table order, from the rows under the heading. */
function order(frame: string): string[] {
  const lines = frame.split('\n');
  const heading = lines.findIndex((l) => l.includes('1▲USER') || l.includes('1▼USER') || l.includes('1 USER'));
  const names: string[] = [];
  for (const line of lines.slice(heading + 1)) {
    const m = /^[> ] {3}(\S+)/.exec(line);
    if (!m) break;
    names.push(m[1] as string);
  }
  return names;
}

describe('the status table', () => {
  it('shows the account, the policy and report lines, a row per user, and the summary', async () => {
    const { frame } = browse();
    await vi.waitFor(() => expect(frame()).toContain('3 governed users: 2 with console access'));
    expect(frame().split('\n')[0]).toBe('Account 123456789012 (as arn:aws:iam::123456789012:user/admin)');
    expect(frame()).toContain('Password policy in force: a custom policy; passwords expire 90 days after they are set.');
    expect(order(frame())).toEqual(['alice', 'bob', 'carol']);
    expect(frame()).toContain('user 1 of 3 · sorted by USER');
  });

  it('sorts by a column\'s key, and reverses on the same key again', async () => {
    const { stdin, frame } = browse();
    await keysReady(stdin);
    stdin.write('6'); // PASSWORD AGE: alice 60 d, bob 334 d, carol none (last)
    await vi.waitFor(() => expect(frame()).toContain('sorted by PASSWORD AGE'));
    expect(order(frame())).toEqual(['alice', 'bob', 'carol']);
    stdin.write('6');
    await vi.waitFor(() => expect(frame()).toContain('sorted by PASSWORD AGE, descending'));
    expect(order(frame())).toEqual(['bob', 'alice', 'carol']);
    stdin.write('8'); // MFA: no before yes
    await vi.waitFor(() => expect(frame()).toContain('sorted by MFA'));
    expect(order(frame())).toEqual(['bob', 'alice', 'carol']);
    stdin.write('1r');
    await vi.waitFor(() => expect(frame()).toContain('sorted by USER, descending'));
    expect(order(frame())).toEqual(['carol', 'bob', 'alice']);
  });

  it('filters by user name with /, and esc clears the filter', async () => {
    const { stdin, frame } = browse();
    await keysReady(stdin);
    stdin.write('/ca');
    await vi.waitFor(() => expect(frame()).toContain('filter: ca█'));
    expect(order(frame())).toEqual(['carol']);
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('filter: ca (esc clears)'));
    stdin.write('/x');
    await vi.waitFor(() => expect(frame()).toContain('No user matches the filter.'));
    stdin.write(KEY.enter);
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(order(frame())).toEqual(['alice', 'bob', 'carol']));
  });

  it('opens the selected user\'s details on enter, and closes them on esc', async () => {
    const { stdin, frame, lastFrame } = browse();
    await keysReady(stdin);
    stdin.write('j');
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('bob'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('ARN'));
    expect(frame()).toMatch(/expires\s+2026-04-01 \(expired\)/);
    expect(frame()).toMatch(/password last changed\s+2026-01-01T00:00:00.000Z/);
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).not.toContain('ARN'));
  });

  it('quits on q', async () => {
    const { stdin, onQuit } = browse();
    await keysReady(stdin);
    stdin.write('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
  });

  it('with nobody to browse, shows the summary and quits at once', async () => {
    const empty = { ...statusReport(), users: [], summary: { users: 0, console: 0, resetPending: 0, expired: 0, withoutMfa: 0, withAccessKeys: 0 } };
    const { frame, onQuit } = browse(empty);
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
    expect(frame()).toContain('The file governs no user.');
    expect(frame()).not.toContain('keys:');
  });
});
