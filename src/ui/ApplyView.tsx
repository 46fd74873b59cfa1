/**
 * Apply, live: finished actions go to the permanent log above, in plan order (Ink `Static`, so scrollback keeps
 * every line whatever the plan's size); below, a progress bar with elapsed time, the actions running and the next pending.
 * When the report arrives, the closing summary is written to the log in the plain logger's words.
 */
import { Box, Static, Text } from 'ink';
import type { ReactNode } from 'react';
import type { ApplyReport } from '../apply/execute.js';
import type { Plan } from '../model/plan.js';
import { actionSymbol, subject } from '../render/describe.js';
import { COLOR, PLAIN } from '../render/ansi.js';
import { formatResult, heldResults, renderApplySummary } from '../render/apply-log.js';
import { countStates, type ApplyProgress } from './apply-progress.js';
import { formatElapsed, progressBar } from './format.js';
import { toneOf, type Line } from './lines.js';
import { ColorContext, ScreenLine, useNow, useTerminalSize } from './paint.js';

export interface ApplyViewProps {
  plan: Plan;
  progress: ApplyProgress;
  /** The command asked the executor to stop: calls in flight finish, no new one starts. */
  stopping: boolean;
  /** Set once the executor returned; the view then shows the closing summary. */
  report: ApplyReport | null;
  startedAt: number;
  finishedAt: number | null;
  color: boolean;
  clock?: () => number;
}

interface LogEntry {
  key: string;
  text: string;
}

export function ApplyView(props: ApplyViewProps): ReactNode {
  const { plan, progress, stopping, report, startedAt, finishedAt, color, clock = Date.now } = props;
  const style = color ? COLOR : PLAIN;
  const now = useNow(clock, 100, report === null);
  const { rows, columns } = useTerminalSize();
  const counts = countStates(progress);
  const total = plan.actions.length;
  const elapsed = formatElapsed((finishedAt ?? now) - startedAt);
  const bar = `${progressBar(counts.finished, total)}  ${elapsed}${counts.failed > 0 ? ` · ${counts.failed} failed` : ''}`;

  const log: LogEntry[] = [
    { key: 'head', text: style.bold(`Applying ${total} change${total === 1 ? '' : 's'} to account ${plan.account}`) },
    ...progress.finished.map((r) => ({ key: `r${r.index}`, text: formatResult(r, style) })),
  ];
  if (report) {
    log.push(...heldResults(report, progress.released).map((r) => ({ key: `r${r.index}`, text: formatResult(r, style) })));
    log.push({ key: 'bar', text: `\n${bar}` });
    log.push({ key: 'summary', text: `\n${renderApplySummary(report, style).trimEnd()}` });
  }

  const live: Line[] = [];
  if (!report) {
    live.push([{ text: bar }]);
    const room = Math.max(1, rows - 3);
    const waiting = progress.actions
      .map((a, index) => ({ a, index }))
      .filter(({ a }) => a.state !== 'finished')
      .sort((x, y) => (x.a.state === y.a.state ? x.index - y.index : x.a.state === 'running' ? -1 : 1));
    const shown = waiting.length > room ? waiting.slice(0, room - 1) : waiting;
    for (const { a, index } of shown) {
      const action = plan.actions[index];
      if (!action) continue;
      live.push([
        a.state === 'running' ? { text: 'running  ', tone: 'change' } : { text: 'pending  ', dim: true },
        { text: actionSymbol(action), tone: toneOf(action) },
        { text: ` ${subject(action)}` },
      ]);
    }
    if (shown.length < waiting.length) live.push([{ text: `… ${waiting.length - shown.length} more`, dim: true }]);
    if (stopping) live.push([{ text: 'stopping: finishing calls in flight', tone: 'change', bold: true }]);
  }

  return (
    <ColorContext.Provider value={color}>
      <Static items={log}>{(entry) => <Text key={entry.key}>{entry.text}</Text>}</Static>
      <Box flexDirection="column" width={columns}>
        {live.map((line, i) => (
          <ScreenLine key={i} line={line} />
        ))}
      </Box>
    </ColorContext.Provider>
  );
}
