import { createInterface } from 'node:readline/promises';
import type { Environment } from './environment.js';

/** Asks on the terminal; only the exact answer `yes` approves (as Terraform). */
export async function confirmOnTerminal(question: string, environment: Environment): Promise<boolean> {
  const rl = createInterface({ input: environment.stdin, output: environment.stderr, terminal: true });
  try {
    const answer = await rl.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
    return answer === 'yes';
  } finally {
    rl.close();
  }
}
