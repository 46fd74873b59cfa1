/** The plan view with more than fits: paging and filtering the warnings, wrapping at the width, and what quitting leaves. */
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { PlanView } from '../../src/ui/PlanView.js';
import { HEADER, KEY, LONG_FIX, keysReady, manyWarningsPlan, mixedPlan, resize, text } from './support.js';

afterEach(cleanup);

const ROWS = 20;
const COLUMNS = 60;

async function open(plan: Plan, size = { rows: ROWS, columns: COLUMNS }) {
  const onQuit = vi.fn();
  const view = render(<PlanView mode="browse" plan={plan} header={HEADER} color={false} onQuit={onQuit} />);
  resize(view.stdout, size);
  await keysReady(view.stdin);
  const frame = () => text(view.lastFrame());
  await vi.waitFor(() => expect(frame().split('\n').length).toBeLessThan(size.rows));
  return { ...view, onQuit, frame };
}

/** The "warnings lines A-B of N" window the status line reports. */
const windowOf = (frame: string) => /warnings lines (\d+)-(\d+) of (\d+)/.exec(frame)?.slice(1).map(Number);

/** The frame with wrapped lines joined again, to find a sentence whatever the width cut it into. */
const joined = (frame: string) => frame.replace(/ *\n */g, ' ');

describe('the warnings pane of a long plan', () => {
  it.each([
    { keys: [KEY.pageDown], name: 'page down' },
    { keys: [' '], name: 'space' },
  ])('moves a page forward on $name and back on page up or b', async ({ keys }) => {
    const { stdin, frame } = await open(manyWarningsPlan(40));
    stdin.write('w');
    await vi.waitFor(() => expect(windowOf(frame())?.[0]).toBe(1));
    const [, last = 0] = windowOf(frame()) ?? [];
    for (const key of keys) stdin.write(key);
    // A page keeps one line of the last one in sight.
    await vi.waitFor(() => expect(windowOf(frame())?.[0]).toBe(last));
    stdin.write('\u001B[5~');
    await vi.waitFor(() => expect(windowOf(frame())?.[0]).toBe(1));
    for (const key of keys) stdin.write(key);
    await vi.waitFor(() => expect(windowOf(frame())?.[0]).toBe(last));
    stdin.write('b');
    await vi.waitFor(() => expect(windowOf(frame())?.[0]).toBe(1));
  });

  it('goes to the end on G or end, to the top on g or home, and stops there', async () => {
    const { stdin, frame } = await open(manyWarningsPlan(40));
    stdin.write('w');
    await vi.waitFor(() => expect(frame()).toContain('warnings lines 1-'));
    stdin.write('G');
    await vi.waitFor(() => expect(frame()).toContain('Advisories used the credential report'));
    const [, end, total] = windowOf(frame()) ?? [];
    expect(end).toBe(total);
    // Past the end does nothing, and one line up is one line up (no hidden overshoot to scroll back through).
    stdin.write('jjj');
    stdin.write('k');
    await vi.waitFor(() => expect(windowOf(frame())?.[1]).toBe((total ?? 0) - 1));
    stdin.write('g');
    await vi.waitFor(() => expect(windowOf(frame())?.[0]).toBe(1));
    stdin.write('\u001B[F');
    await vi.waitFor(() => expect(windowOf(frame())?.[1]).toBe(total));
    stdin.write('\u001B[H');
    await vi.waitFor(() => expect(windowOf(frame())?.[0]).toBe(1));
  });

  it('filters on / by id, user or text; esc clears the filter, then closes', async () => {
    const { stdin, frame } = await open(manyWarningsPlan(40));
    stdin.write('w');
    await vi.waitFor(() => expect(frame()).toContain('IP103 user000'));
    stdin.write('/user017');
    await vi.waitFor(() => expect(frame()).toContain('filter: user017█'));
    expect(frame()).toContain('IP103 user017 gets console access');
    expect(frame()).not.toContain('user000');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('filter: user017 (esc clears)'));
    stdin.write('/');
    stdin.write('x');
    await vi.waitFor(() => expect(frame()).toContain('no warning matches "user017x"'));
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).toContain('filter: user017x (esc clears)'));
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).toContain('IP103 user000'));
    expect(frame()).not.toContain('filter:');
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).toContain('Enable console access (40)'));
  });

  it('wraps each fix to the terminal width instead of cutting it', async () => {
    const { stdin, frame } = await open(manyWarningsPlan(3));
    stdin.write('w');
    await vi.waitFor(() => expect(frame()).toContain('IP103 user000'));
    const lines = frame().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(COLUMNS);
    // Only the header (an ARN) is cut; every warning line is whole.
    expect(lines.filter((l) => l.endsWith('…'))).toEqual([expect.stringMatching(/^Account /)]);
    expect(joined(frame())).toContain(`fix: ${LONG_FIX}`);
    // Continuation lines are indented under the fix, not flush left.
    expect(lines[lines.findIndex((l) => l.startsWith('        fix: ')) + 1]).toMatch(/^ {10}\S/);
  });

  it('names the page keys in its key help', async () => {
    const { stdin, frame } = await open(manyWarningsPlan(40));
    expect(joined(frame())).toContain('space/b page');
    stdin.write('w');
    await vi.waitFor(() => expect(joined(frame())).toContain('j/k scroll · space/b page · g/G top/end · / filter'));
  });
});

describe('the details pane on a narrow terminal', () => {
  it('wraps what the action does and pages with space', async () => {
    const { stdin, frame } = await open(mixedPlan(), { rows: 16, columns: 40 });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('details lines 1-'));
    for (const line of frame().split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    stdin.write(' ');
    await vi.waitFor(() => expect(frame()).not.toContain('details lines 1-'));
  });
});

describe('what quitting leaves on the terminal', () => {
  it('leaves the whole plan and its warnings when they fit', async () => {
    const { stdin, frame, onQuit } = await open(manyWarningsPlan(2), { rows: 40, columns: 100 });
    stdin.write('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalled());
    await vi.waitFor(() => expect(frame()).not.toContain('keys:'));
    expect(frame()).toContain('  + user000');
    expect(frame()).toContain('  + user001');
    expect(frame()).toContain('IP103 user001 gets console access');
    expect(frame()).not.toContain('> ');
  });

  it('leaves what the plan holds and how to print it when it does not fit, not the slice that was on screen', async () => {
    const { stdin, frame, onQuit } = await open(manyWarningsPlan(40));
    stdin.write('jjjjjjjjjj');
    await vi.waitFor(() => expect(frame()).toContain('action 11 of 40'));
    stdin.write('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalled());
    await vi.waitFor(() => expect(frame()).not.toContain('keys:'));
    const final = frame();
    expect(final).toContain('Enable console access (40)');
    expect(final).not.toContain('user010');
    expect(joined(final)).toContain('`iampass plan --no-interactive` (with the same AWS options) prints all of it, warnings included.');
    expect(final).toContain('Plan: 40 to add, 0 to change, 0 to destroy.');
    expect(final).toContain('Warnings (40)');
    for (const line of final.split('\n')) expect(line.length).toBeLessThanOrEqual(COLUMNS);
  });
});
