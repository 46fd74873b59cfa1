/**
 * One wrapper per interaction: each renders with Ink on the given streams and resolves when the interaction is
 * over (unmounted, output flushed). The CLI loads this module lazily (`await import('../ui/run.js')`), so nothing
 * else imports Ink. Ctrl-C never makes Ink exit on its own: the views answer it (quit, or "no"), and during
 * refresh and apply no raw mode is taken, so SIGINT reaches the command, which owns it.
 */
import { render, type RenderOptions } from 'ink';
import type { ReactElement } from 'react';
import type { ApplyReport, ExecutorEvent } from '../apply/execute.js';
import type { ReadProgress } from '../iam/read.js';
import type { CallStats } from '../iam/retry.js';
import { hasChanges, type Plan } from '../model/plan.js';
import { applyEvent, startApply } from './apply-progress.js';
import { ApplyView } from './ApplyView.js';
import { PlanView } from './PlanView.js';
import { AccountListView } from './AccountListView.js';
import { planOf } from '../plan/document.js';
import type { OrganizationDocument } from '../plan/organization-report.js';
import { RefreshView } from './RefreshView.js';
import { StatusView } from './StatusView.js';
import type { StatusReport } from '../plan/status.js';
import type { PlanHeader, UiOptions } from './types.js';

export type { PlanHeader, UiOptions } from './types.js';

function inkOptions(opts: UiOptions): RenderOptions {
  return { stdout: opts.stdout, stdin: opts.stdin, stderr: opts.stderr, exitOnCtrlC: false, patchConsole: false };
}

/** Shows the read's progress line until `work` settles, then clears it and returns (or rethrows) its outcome. */
export async function showRefresh<T>(
  work: Promise<T>,
  poll: () => { progress: ReadProgress; stats: CallStats },
  opts: UiOptions,
): Promise<T> {
  const ink = render(<RefreshView poll={poll} color={opts.color} />, inkOptions(opts));
  const exited = ink.waitUntilExit();
  try {
    return await work;
  } finally {
    ink.clear();
    ink.unmount();
    await exited;
  }
}

/** Renders `view` until it calls back with a value (or at once with `immediate`), then unmounts. */
async function interact<T>(view: (done: (value: T) => void) => ReactElement, opts: UiOptions, immediate?: { value: T }): Promise<T> {
  let done!: (value: T) => void;
  const answered = new Promise<T>((resolve) => {
    done = resolve;
  });
  const ink = render(view((value) => done(value)), inkOptions(opts));
  const exited = ink.waitUntilExit();
  if (immediate) done(immediate.value);
  const value = await answered;
  ink.unmount();
  await exited;
  return value;
}

/** The plan command's view: resolves when the person presses `q` (at once when there are no changes). */
export async function browsePlan(plan: Plan, header: PlanHeader, opts: UiOptions): Promise<void> {
  await interact<void>(
    (done) => <PlanView mode="browse" plan={plan} header={header} color={opts.color} onQuit={() => done()} />,
    opts,
    hasChanges(plan) ? undefined : { value: undefined },
  );
}

/**
 * An organization plan: the list of accounts; enter opens one account's plan in the plan view, whose `q` comes back
 * to the list; `q` on the list ends it. Each account's plan is rebuilt from its document only when opened.
 */
export async function browseOrganization(doc: OrganizationDocument<'plan'>, configDir: string, opts: UiOptions): Promise<void> {
  for (let cursor = 0; ; ) {
    const chosen = await interact<number | null>((done) => <AccountListView doc={doc} cursor={cursor} color={opts.color} onChoose={done} />, opts);
    const entry = chosen === null ? undefined : doc.accounts[chosen];
    if (chosen === null || entry === undefined) return;
    cursor = chosen;
    if (!entry.report) continue;
    const plan = planOf(entry.report, configDir);
    const header = { account: plan.account, callerArn: plan.callerArn, configFile: doc.config.file };
    await interact<void>(
      (done) => <PlanView mode="browse" plan={plan} header={header} color={opts.color} onQuit={() => done()} />,
      opts,
      hasChanges(plan) ? undefined : { value: undefined },
    );
  }
}

/** The status command's table: resolves when the person presses `q` (at once when there is nobody to browse). */
export async function browseStatus(report: StatusReport, opts: UiOptions): Promise<void> {
  await interact<void>((done) => <StatusView report={report} color={opts.color} onQuit={() => done()} />, opts);
}

/**
 * The plan with the approval prompt: true only when the person typed exactly `yes` and pressed enter. Resolves
 * false at once when there is nothing to approve.
 */
export async function reviewAndConfirm(plan: Plan, header: PlanHeader, opts: UiOptions): Promise<boolean> {
  return interact<boolean>(
    (done) => <PlanView mode="review" plan={plan} header={header} color={opts.color} onAnswer={done} />,
    opts,
    hasChanges(plan) ? undefined : { value: false },
  );
}

export interface ApplyFollower {
  /** Pass every executor event here. */
  onEvent(event: ExecutorEvent): void;
  /** The command's stop request (SIGINT): the view says it is finishing the calls in flight. */
  stopping(): void;
  /** Shows the closing summary, unmounts, and resolves once the output is written. */
  finish(report: ApplyReport): Promise<void>;
}

/** The live apply view; the command feeds it the executor's events and its final report. */
export function followApply(plan: Plan, opts: UiOptions): ApplyFollower {
  let progress = startApply(plan);
  let isStopping = false;
  let report: ApplyReport | null = null;
  const startedAt = Date.now();
  let finishedAt: number | null = null;
  const view = () => (
    <ApplyView
      plan={plan}
      progress={progress}
      stopping={isStopping}
      report={report}
      startedAt={startedAt}
      finishedAt={finishedAt}
      color={opts.color}
    />
  );
  const ink = render(view(), inkOptions(opts));
  const exited = ink.waitUntilExit();
  return {
    onEvent(event) {
      if (report) return;
      progress = applyEvent(progress, event);
      ink.rerender(view());
    },
    stopping() {
      if (report || isStopping) return;
      isStopping = true;
      ink.rerender(view());
    },
    async finish(final) {
      if (!report) {
        report = final;
        finishedAt = Date.now();
        ink.rerender(view());
        ink.unmount();
      }
      await exited;
    },
  };
}
