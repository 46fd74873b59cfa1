/**
 * A screen line as plain data: styled segments the views paint with Ink. Keeping lines as data lets the layout
 * (grouping, filtering, scrolling, details) be pure functions tested without a terminal.
 */
import { changeType, type Action } from '../model/plan.js';

/** Colour roles, after Terraform: add green, change yellow, destroy red, kept cyan; a warning's id yellow. */
export type Tone = 'add' | 'change' | 'destroy' | 'kept' | 'warn';

export interface Segment {
  text: string;
  tone?: Tone;
  bold?: boolean;
  dim?: boolean;
}

export type Line = Segment[];

export function toneOf(action: Action): Tone {
  const t = changeType(action);
  return t === 'add' ? 'add' : t === 'change' ? 'change' : 'destroy';
}

/** The tone of a json-diff line: `+` added, `-` removed, otherwise none. */
export function diffLineTone(line: string): Tone | undefined {
  return line.startsWith('+') ? 'add' : line.startsWith('-') ? 'destroy' : undefined;
}

export function plainText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/**
 * Wraps a line at word boundaries to `width` columns, keeping each segment's style; continuation lines start
 * with `indent` spaces. A word longer than the room is split. Views wrap before they window, so the window
 * arithmetic counts screen lines.
 */
export function wrapLine(line: Line, width: number, indent = 0): Line[] {
  if (plainText(line).length <= width || width <= indent + 1) return [line];
  const out: Line[] = [];
  let current: Segment[] = [];
  let used = 0;
  let start = 0;
  const append = (segment: Segment, text: string) => {
    const last = current.at(-1);
    if (last && sameStyle(last, segment)) last.text += text;
    else current.push({ ...segment, text });
    used += text.length;
  };
  const breakLine = () => {
    const last = current.at(-1);
    if (last) last.text = last.text.trimEnd();
    out.push(current);
    current = [{ text: ' '.repeat(indent) }];
    used = start = indent;
  };
  for (const segment of line) {
    // Words with the spaces after them: `a b` -> `a `, `b`.
    for (let token of segment.text.split(/(?<= )(?=\S)/)) {
      while (token.length > 0) {
        if (used === start && start > 0) token = token.trimStart();
        const word = token.trimEnd();
        if (used + word.length <= width) {
          append(segment, token);
          token = '';
        } else if (used > start) {
          breakLine();
        } else {
          const room = width - used;
          append(segment, token.slice(0, room));
          token = token.slice(room);
          breakLine();
        }
      }
    }
  }
  const last = current.at(-1);
  if (last) last.text = last.text.trimEnd();
  out.push(current);
  return out;
}

function sameStyle(a: Segment, b: Segment): boolean {
  return a.tone === b.tone && a.bold === b.bold && a.dim === b.dim;
}
