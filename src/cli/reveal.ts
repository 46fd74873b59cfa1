import type { Environment } from './environment.js';
import { askOnTerminal } from './prompt.js';

/**
 * `--reveal`: the console's "Show" button. Prints each new password once, waits until the person has stored them,
 * then clears the screen and the terminal's scrollback so they do not linger.
 */
export async function revealOnce(entries: ReadonlyArray<[string, string]>, environment: Environment): Promise<void> {
  if (entries.length === 0) return;
  const width = Math.max(...entries.map(([user]) => user.length));
  const out = environment.stdout;
  out.write('\nNew passwords, shown this once (they are not stored anywhere):\n\n');
  for (const [user, password] of entries) out.write(`  ${user.padEnd(width)}  ${password}\n`);
  await askOnTerminal('\nPress enter once you have passed them on; the screen is then cleared. ', environment, out);
  out.write('\u001b[2J\u001b[3J\u001b[H');
  out.write(`${entries.length} password${entries.length === 1 ? '' : 's'} shown and cleared from the screen.\n`);
}
