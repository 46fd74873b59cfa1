/**
 * Turns Ink's `useInput` callbacks into a list of key presses. Keys that arrive in one chunk (a paste, tmux
 * send-keys, fast typing over ssh) reach `useInput` as a single string such as `jjj` or `yes\r`; splitting them
 * here lets the views handle each key in order against the state the previous key left.
 */
import type { Key } from 'ink';

export type KeyPress =
  | { kind: 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end' }
  | { kind: 'enter' | 'escape' | 'tab' | 'backspace' | 'interrupt' }
  | { kind: 'char'; char: string };

export function keyPresses(input: string, key: Key): KeyPress[] {
  if (key.ctrl && input === 'c') return [{ kind: 'interrupt' }];
  if (key.upArrow) return [{ kind: 'up' }];
  if (key.downArrow) return [{ kind: 'down' }];
  if (key.pageUp) return [{ kind: 'page-up' }];
  if (key.pageDown) return [{ kind: 'page-down' }];
  if (key.home) return [{ kind: 'home' }];
  if (key.end) return [{ kind: 'end' }];
  if (key.return) return [{ kind: 'enter' }];
  if (key.escape) return [{ kind: 'escape' }];
  if (key.tab) return [{ kind: 'tab' }];
  if (key.backspace || key.delete) return [{ kind: 'backspace' }];
  if (key.ctrl || key.meta) return [];
  const presses: KeyPress[] = [];
  for (const ch of input) {
    if (ch === '\r' || ch === '\n') presses.push({ kind: 'enter' });
    else if (ch === '\x7f' || ch === '\b') presses.push({ kind: 'backspace' });
    else if (ch === '\t') presses.push({ kind: 'tab' });
    else if (ch === '\x03') presses.push({ kind: 'interrupt' });
    else if (ch >= ' ') presses.push({ kind: 'char', char: ch });
  }
  return presses;
}
