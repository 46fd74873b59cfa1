/** One progress line while live IAM is read; polls a getter so it moves even between progress events. */
import { Box } from 'ink';
import { useState, type ReactNode } from 'react';
import type { ReadProgress } from '../iam/read.js';
import type { CallStats } from '../iam/retry.js';
import { refreshLine } from './format.js';
import { ColorContext, ScreenLine, useNow, useTerminalSize } from './paint.js';

export interface RefreshViewProps {
  poll: () => { progress: ReadProgress; stats: CallStats };
  color: boolean;
  /** Milliseconds between polls. */
  intervalMs?: number;
  clock?: () => number;
}

export function RefreshView({ poll, color, intervalMs = 100, clock = Date.now }: RefreshViewProps): ReactNode {
  const [startedAt] = useState(clock);
  const now = useNow(clock, intervalMs);
  const { columns } = useTerminalSize();
  const { progress, stats } = poll();
  return (
    <ColorContext.Provider value={color}>
      <Box width={columns}>
        <ScreenLine line={[{ text: refreshLine(progress, stats, now - startedAt), dim: false }]} />
      </Box>
    </ColorContext.Provider>
  );
}
