import type { ActionResult, ApplyReport, ExecutorEvent } from '../apply/execute.js';
import { tally } from '../apply/execute.js';
import type { Style } from './ansi.js';
import { actionSymbol, subject } from './describe.js';

/** One line per finished action, for logs and pipes; the Ink view shows the same events live. */
export function formatExecutorEvent(event: ExecutorEvent, style: Style): string | null {
  if (event.type !== 'finished') return null;
  return formatResult(event.result, style);
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
