import type { ActionResult, ApplyReport, ExecutorEvent } from '../apply/execute.js';
import { tally } from '../apply/execute.js';
import type { Style } from './ansi.js';
import { actionSymbol, subject } from './describe.js';

/**
 * Result lines come in plan order (policy, users by name, removals), not in the order calls complete, yet
 * still stream: from `next`, the unbroken run of finished actions is released, each as soon as it and every
 * action before it have finished. `resultAt(i)` is the result of action `i` once it has finished.
 */
export function releaseInPlanOrder(
  next: number,
  resultAt: (index: number) => ActionResult | undefined,
): { next: number; ready: ActionResult[] } {
  const ready: ActionResult[] = [];
  for (let r = resultAt(next); r !== undefined; r = resultAt(next)) {
    ready.push(r);
    next += 1;
  }
  return { next, ready };
}

/**
 * At the end, the results still held back from `next` on: those behind an action that never started
 * (interrupted). The never-started ones themselves have no line here; the summary lists them.
 */
export function heldResults(report: ApplyReport, next: number): ActionResult[] {
  return report.results.slice(next).filter((r) => r.status !== 'not-run');
}

/** The plain logger, for logs and pipes: one line per finished action, in plan order; the Ink view does the same. */
export function createResultLog(write: (line: string) => void, style: Style): {
  onEvent(event: ExecutorEvent): void;
  finish(report: ApplyReport): void;
} {
  const results: ActionResult[] = [];
  let next = 0;
  return {
    onEvent(event) {
      if (event.type !== 'finished') return;
      results[event.result.index] = event.result;
      const step = releaseInPlanOrder(next, (i) => results[i]);
      next = step.next;
      for (const r of step.ready) write(formatResult(r, style));
    },
    finish(report) {
      for (const r of heldResults(report, next)) write(formatResult(r, style));
      next = report.results.length;
    },
  };
}

export function formatResult(r: ActionResult, style: Style): string {
  const symbol = actionSymbol(r.action);
  const who = subject(r.action);
  switch (r.status) {
    case 'ok':
      return `${style.green('done')}     ${symbol} ${who}: ${r.message}`;
    case 'skipped':
      return `${style.yellow('skipped')}  ${symbol} ${who}: ${r.message}`;
    case 'failed':
      return `${style.red('FAILED')}   ${symbol} ${who}: ${r.code ?? 'Error'}: ${r.message}`;
    case 'not-run':
      return `${style.dim('not run')}  ${symbol} ${who}`;
  }
}

/**
 * The closing account of an apply: counts, then every action that did not succeed, so nobody has to guess
 * what state the account was left in.
 */
export function renderApplySummary(report: ApplyReport, style: Style): string {
  const counts = tally(report);
  const lines: string[] = [];
  const incomplete = counts.failed > 0 || counts['not-run'] > 0;
  const head = incomplete ? style.red(style.bold('Apply incomplete.')) : style.green(style.bold('Apply complete.'));
  const parts = [`${counts.ok} done`, `${counts.failed} failed`];
  if (counts.skipped > 0) parts.push(`${counts.skipped} already in the wanted state`);
  if (counts['not-run'] > 0) parts.push(`${counts['not-run']} not started${report.interrupted ? ' (interrupted)' : ''}`);
  lines.push(`${head} ${parts.join(', ')}.`);
  const notDone = report.results.filter((r) => r.status === 'failed' || r.status === 'not-run');
  if (notDone.length > 0) {
    lines.push('', 'Not done:');
    for (const r of notDone) lines.push(`  ${formatResult(r, style)}`);
    lines.push('', 'Run `iampass plan` to see what is left; apply again converges.');
  }
  return `${lines.join('\n')}\n`;
}
