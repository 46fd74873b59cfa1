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
