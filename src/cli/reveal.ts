import { createInterface } from 'node:readline/promises';
import type { Environment } from './environment.js';

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
  const rl = createInterface({ input: environment.stdin, output: out, terminal: true });
  try {
    await rl.question('\nPress enter once you have passed them on; the screen is then cleared. ');
  } finally {
    rl.close();
  }
  out.write('\u001b[2J\u001b[3J\u001b[H');
  out.write(`${entries.length} password${entries.length === 1 ? '' : 's'} shown and cleared from the screen.\n`);
}
