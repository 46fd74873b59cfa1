import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { PlanView } from '../../src/ui/PlanView.js';
import { cursorLine, HEADER, KEY, keysReady, manyCreatesPlan, mixedPlan, text } from './support.js';

afterEach(cleanup);

async function review(plan: Plan = mixedPlan()) {
  const onAnswer = vi.fn<(approved: boolean) => void>();
  const view = render(<PlanView mode="review" plan={plan} header={HEADER} color={false} onAnswer={onAnswer} />);
  await keysReady(view.stdin);
  return { ...view, onAnswer, frame: () => text(view.lastFrame()) };
}

describe('approving an apply', () => {
  it('asks "Apply N changes to account A? (M destructive)" below the plan', async () => {
    const { frame } = await review();
    expect(frame()).toContain('Apply 5 changes to account 123456789012? (2 destructive)');
    expect(frame()).toContain("Only 'yes' will be accepted to approve. Enter a value:");
    expect(frame()).toContain('Plan: 1 to add, 2 to change, 2 to destroy.');
  });

  it('leaves out the destructive count when nothing is destroyed', async () => {
    const { frame } = await review(manyCreatesPlan(2));
    expect(frame()).toMatch(/^Apply 2 changes to account 123456789012\?$/m);
  });

  it('approves only on exactly "yes" then enter', async () => {
    const { stdin, onAnswer, frame } = await review();
    stdin.write('y');
    stdin.write('e');
    stdin.write('s');
    await vi.waitFor(() => expect(frame()).toContain('Enter a value: yes'));
    expect(onAnswer).not.toHaveBeenCalled();
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(true));
    expect(onAnswer).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['no', 'no'],
    ['y', 'y'],
    ['yess', 'yess'],
    ['YES', 'YES'],
    ['a space before yes', ' yes'],
    ['nothing', ''],
    ['q (typed into the prompt, not a key)', 'q'],
  ])('answers no to %s then enter', async (_name, typed) => {
    const { stdin, onAnswer } = await review();
    for (const ch of typed) stdin.write(ch);
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(false));
    expect(onAnswer).toHaveBeenCalledTimes(1);
  });

  it('reads "yes" and enter that arrive in one chunk', async () => {
    const { stdin, onAnswer } = await review();
    stdin.write('yes\r');
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(true));
  });

  it('lets backspace correct the answer, and esc clear it', async () => {
    const { stdin, onAnswer, frame } = await review();
    stdin.write('yex');
    stdin.write(KEY.backspace);
    stdin.write('s');
    await vi.waitFor(() => expect(frame()).toContain('Enter a value: yes'));
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).toMatch(/Enter a value: █$/m));
    stdin.write('yes');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(true));
  });

  it('answers no on ctrl-c', async () => {
    const { stdin, onAnswer } = await review();
    stdin.write('yes');
    stdin.write(KEY.ctrlC);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(false));
  });

  it('ignores keys after the answer', async () => {
    const { stdin, onAnswer } = await review();
    stdin.write('no\ryes\r');
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledTimes(1));
    expect(onAnswer).toHaveBeenCalledWith(false);
  });

  it('lets the person browse the plan and its details with tab before answering', async () => {
    const { stdin, onAnswer, frame, lastFrame } = await review();
    expect(frame()).toContain('tab browse the plan');
    stdin.write(KEY.tab);
    await vi.waitFor(() => expect(frame()).toContain('tab back to the prompt'));
    // While browsing, keys move the cursor and open details; they are not typed into the prompt.
    stdin.write('jjj');
    await vi.waitFor(() => expect(cursorLine(lastFrame())).toContain('carol'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(frame()).toContain('- carol: disable console access'));
    expect(frame()).toContain('before: console password, created 2026-01-02');
    stdin.write(KEY.escape);
    await vi.waitFor(() => expect(frame()).not.toContain('before:'));
    expect(frame()).toMatch(/Enter a value: ?$/m);
    expect(onAnswer).not.toHaveBeenCalled();

    stdin.write(KEY.tab);
    await vi.waitFor(() => expect(frame()).toContain('tab browse the plan'));
    stdin.write('yes');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(true));
  });

  it('cancels (answers no) on q while browsing', async () => {
    const { stdin, onAnswer } = await review();
    stdin.write(KEY.tab);
    stdin.write('q');
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(false));
  });

  it('keeps the typed answer and drops the key help once answered', async () => {
    const { stdin, frame } = await review();
    stdin.write('yes\r');
    await vi.waitFor(() => expect(frame()).not.toContain('keys:'));
    expect(frame()).toMatch(/Enter a value: yes$/m);
  });
});
