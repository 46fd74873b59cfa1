import { createInterface } from 'node:readline/promises';
import type { Environment } from './environment.js';

/**
 * Asks one line on the terminal and resolves with what was typed. Safe after an Ink view: when Ink leaves raw
 * mode it calls `stdin.unref()`, so a question asked afterwards would not hold the process open and Node would
 * exit mid-question (the `--reveal` bug: passwords left on screen). Taking the reference back here, and dropping
 * keys typed while no one was asking (an enter pressed during apply must not answer a question not yet shown),
 * makes the question wait for a person. Closing the interface pauses stdin, which lets the process exit.
 */
export async function askOnTerminal(question: string, environment: Environment, output: NodeJS.WritableStream): Promise<string> {
  const { stdin } = environment;
  stdin.ref();
  if (stdin.isTTY) discardTypedAhead(stdin);
  const rl = createInterface({ input: stdin, output, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** Drops keys pressed before the question (a pipe's buffered answer is kept: only a terminal calls this). */
function discardTypedAhead(stdin: NodeJS.ReadStream): void {
  while (stdin.readableLength > 0 && stdin.read() !== null) {
    // dropped on purpose
  }
}

/** Asks on the terminal; only the exact answer `yes` approves (as Terraform). */
export async function confirmOnTerminal(question: string, environment: Environment): Promise<boolean> {
  const answer = await askOnTerminal(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `, environment, environment.stderr);
  return answer === 'yes';
}
