import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActionResult, ApplyReport, ExecutorEvent } from '../../src/apply/execute.js';
import type { Action, Plan } from '../../src/model/plan.js';
import { applyEvent, startApply, type ApplyProgress } from '../../src/ui/apply-progress.js';
import { ApplyView } from '../../src/ui/ApplyView.js';
import { mixedPlan, text } from './support.js';

afterEach(cleanup);

/** Drives the view as `followApply` does: fold each event, re-render with the new props. */
function follow(plan: Plan) {
  let progress: ApplyProgress = startApply(plan);
  let stopping = false;
  let report: ApplyReport | null = null;
  const clock = () => 12_300;
  const view = () => (
    <ApplyView
      plan={plan}
      progress={progress}
      stopping={stopping}
      report={report}
      startedAt={0}
      finishedAt={report ? 15_000 : null}
      color={false}
      clock={clock}
    />
  );
  const ink = render(view());
  return {
    frame: () => text(ink.lastFrame()),
    send(...events: ExecutorEvent[]) {
      for (const e of events) progress = applyEvent(progress, e);
      ink.rerender(view());
    },
    stop() {
      stopping = true;
      ink.rerender(view());
    },
    finish(final: ApplyReport) {
      report = final;
      ink.rerender(view());
    },
  };
}

const at = (plan: Plan, index: number): Action => plan.actions[index] as Action;
const started = (plan: Plan, index: number): ExecutorEvent => ({ type: 'started', index, action: at(plan, index) });
const result = (plan: Plan, index: number, outcome: Pick<ActionResult, 'status' | 'code' | 'message'>): ActionResult => ({
  index,
  action: at(plan, index),
  ...outcome,
});
const finished = (r: ActionResult): ExecutorEvent => ({ type: 'finished', result: r });

describe('the apply view', () => {
  // mixedPlan's actions, in execution order: policy, alice (create), bob (update), carol, dave (deletes).
  const plan = mixedPlan();
  const ok = (i: number, message: string) => result(plan, i, { status: 'ok', message });
  const throttled = result(plan, 2, { status: 'failed', code: 'Throttling', message: 'Rate exceeded' });
  const notRun = (i: number) => result(plan, i, { status: 'not-run', message: 'not started' });

  it('shows every action pending at first, with an empty progress bar', () => {
    const view = follow(plan);
    expect(view.frame()).toContain('Applying 5 changes to account 123456789012');
    expect(view.frame()).toContain('[....................] 0/5  12.3s');
    expect(view.frame()).toContain('pending  ~ password policy');
    expect(view.frame()).toContain('pending  - dave');
  });

  it('follows a run through a failure: running, done, FAILED with the AWS code, the count, and the summary', () => {
    const view = follow(plan);
    view.send(started(plan, 0));
    expect(view.frame()).toContain('running  ~ password policy');

    view.send(finished(ok(0, 'password policy updated')), started(plan, 1), started(plan, 2));
    expect(view.frame()).toContain('done     ~ password policy: password policy updated');
    expect(view.frame()).toContain('running  + alice');
    expect(view.frame()).toContain('running  ~ bob');
    expect(view.frame()).toContain('[####................] 1/5');

    view.send(finished(ok(1, 'console access enabled; password written to out/alice.password')), finished(throttled));
    expect(view.frame()).toContain('FAILED   ~ bob: Throttling: Rate exceeded');
    expect(view.frame()).toContain('[############........] 3/5  12.3s · 1 failed');

    view.send(started(plan, 3), started(plan, 4));
    view.send(finished(ok(3, 'console access removed')), finished(ok(4, 'console access removed')));
    expect(view.frame()).toContain('[####################] 5/5');

    const report: ApplyReport = {
      results: [ok(0, 'password policy updated'), ok(1, 'console access enabled'), throttled, ok(3, 'x'), ok(4, 'y')],
      interrupted: false,
    };
    view.finish(report);
    const frame = view.frame();
    expect(frame).toContain('[####################] 5/5  15.0s · 1 failed');
    expect(frame).toContain('Apply incomplete. 4 done, 1 failed.');
    expect(frame).toContain('Not done:');
    expect(frame).toMatch(/^ {2}FAILED {3}~ bob: Throttling: Rate exceeded$/m);
    expect(frame).toContain('Run `iampass plan` to see what is left; apply again converges.');
    expect(frame).not.toContain('pending');
    expect(frame).not.toContain('running');
  });

  it('shows skipped actions with their reason', () => {
    const view = follow(plan);
    view.send(
      ...[0, 1, 2].map((i) => finished(ok(i, 'done'))),
      started(plan, 3),
      finished(result(plan, 3, { status: 'skipped', message: 'had no login profile any more (removed outside this apply since the plan)' })),
    );
    expect(view.frame()).toContain('skipped  - carol: had no login profile any more');
  });

  it('logs results in plan order, each as soon as every action before it has finished', () => {
    const view = follow(plan);
    const logged = () => view.frame().split('\n').filter((line) => line.startsWith('done'));
    view.send(...[0, 1, 2, 3].map((i) => started(plan, i)));
    view.send(finished(ok(2, 'bob done')), finished(ok(3, 'carol done')));
    expect(logged()).toEqual([]);
    view.send(finished(ok(0, 'policy done')));
    expect(logged()).toEqual(['done     ~ password policy: policy done']);
    view.send(finished(ok(1, 'alice done')));
    expect(logged()).toEqual([
      'done     ~ password policy: policy done',
      'done     + alice: alice done',
      'done     ~ bob: bob done',
      'done     - carol: carol done',
    ]);
  });

  it('logs what finished behind an action that never started once the report arrives', () => {
    const view = follow(plan);
    view.send(finished(ok(0, 'policy done')), finished(ok(2, 'bob done')));
    view.finish({ results: [ok(0, 'policy done'), notRun(1), ok(2, 'bob done'), notRun(3), notRun(4)], interrupted: true });
    const frame = view.frame();
    expect(frame.indexOf('done     ~ password policy')).toBeLessThan(frame.indexOf('done     ~ bob: bob done'));
    expect(frame).toContain('Apply incomplete. 2 done, 0 failed, 3 not started (interrupted).');
  });

  it('says it is stopping once the command asks, and the summary counts what never started', () => {
    const view = follow(plan);
    view.send(started(plan, 0));
    view.stop();
    expect(view.frame()).toContain('stopping: finishing calls in flight');
    view.send(finished(ok(0, 'password policy updated')));
    view.finish({ results: [ok(0, 'password policy updated'), notRun(1), notRun(2), notRun(3), notRun(4)], interrupted: true });
    expect(view.frame()).toContain('Apply incomplete. 1 done, 0 failed, 4 not started (interrupted).');
    expect(view.frame()).toContain('  not run  + alice');
  });

  it('reports a clean run as complete', () => {
    const small = mixedPlan();
    const view = follow(small);
    const all = small.actions.map((_, i) => ok(i, 'done'));
    view.send(...all.flatMap((r) => [started(small, r.index), finished(r)]));
    view.finish({ results: all, interrupted: false });
    expect(view.frame()).toContain('Apply complete. 5 done, 0 failed.');
    expect(view.frame()).not.toContain('Not done:');
  });

  it('moves the elapsed time on its own while actions run', async () => {
    let now = 0;
    const plan1 = mixedPlan();
    const ink = render(
      <ApplyView plan={plan1} progress={startApply(plan1)} stopping={false} report={null} startedAt={0} finishedAt={null} color={false} clock={() => now} />,
    );
    expect(text(ink.lastFrame())).toContain('0/5  0.0s');
    now = 2_500;
    await vi.waitFor(() => expect(text(ink.lastFrame())).toContain('0/5  2.5s'));
  });
});

describe('colour', () => {
  it('writes no colour codes with color: false, and the summary colours with color: true', () => {
    const plan = mixedPlan();
    const results = plan.actions.map((action, index): ActionResult => ({ index, action, status: 'ok', message: 'done' }));
    const props = { plan, stopping: false, startedAt: 0, finishedAt: 1, report: { results, interrupted: false } };
    const progress = results.reduce((p, r) => applyEvent(p, { type: 'finished', result: r }), startApply(plan));
    const plain = render(<ApplyView {...props} progress={progress} color={false} />);
    expect(plain.lastFrame()).not.toContain('\u001B[');
    const coloured = render(<ApplyView {...props} progress={progress} color />);
    expect(coloured.lastFrame()).toContain('\u001B[32mdone\u001B[39m');
  });
});
