/**
 * Painting lines with Ink. Colour is decided once, by the caller (`color` prop): with it off no style prop
 * reaches Ink's `Text`, and nothing global (chalk level, env) is touched.
 */
import { Box, Text, useStdout } from 'ink';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Line, Segment, Tone } from './lines.js';

const TONE_COLOR: Record<Tone, string> = { add: 'green', change: 'yellow', destroy: 'red', kept: 'cyan', warn: 'yellow' };

export const ColorContext = createContext(false);

export function Paint(props: { segment: Segment }): ReactNode {
  const color = useContext(ColorContext);
  const { text, tone, bold, dim } = props.segment;
  if (!color) return <Text>{text}</Text>;
  return (
    <Text {...(tone ? { color: TONE_COLOR[tone] } : {})} bold={bold ?? false} dimColor={dim ?? false}>
      {text}
    </Text>
  );
}

/** One screen line, cut at the terminal width (never wrapped, so the window arithmetic holds). */
export function ScreenLine(props: { line: Line }): ReactNode {
  const { line } = props;
  if (line.every((s) => s.text === '')) return <Box height={1} />;
  return (
    <Text wrap="truncate-end">
      {line.map((segment, i) => (
        <Paint key={i} segment={segment} />
      ))}
    </Text>
  );
}

export const DEFAULT_ROWS = 24;
export const DEFAULT_COLUMNS = 80;

/** The terminal size, following resizes; sane defaults when the stream does not know (not a TTY). */
export function useTerminalSize(): { rows: number; columns: number } {
  const { stdout } = useStdout();
  const read = () => ({ rows: stdout.rows || DEFAULT_ROWS, columns: stdout.columns || DEFAULT_COLUMNS });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => {
      const next = read();
      setSize((prev) => (prev.rows === next.rows && prev.columns === next.columns ? prev : next));
    };
    // A resize between the first render and this effect would otherwise be missed.
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** Re-renders every `intervalMs` while `active`, returning the clock's time. */
export function useNow(clock: () => number, intervalMs: number, active = true): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(clock()), intervalMs);
    return () => clearInterval(timer);
  }, [clock, intervalMs, active]);
  return now;
}
