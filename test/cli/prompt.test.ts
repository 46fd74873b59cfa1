import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { Environment } from '../../src/cli/environment.js';
import { askOnTerminal } from '../../src/cli/prompt.js';

/** A terminal's stdin as Ink leaves it after a view: unreferenced, with keys pressed meanwhile still buffered. */
function terminalAfterInk() {
  const stdin = Object.assign(new PassThrough({ encoding: 'utf8' }), {
    isTTY: true,
    setRawMode: vi.fn(),
    ref: vi.fn(),
    unref: vi.fn(),
  });
  const output = new PassThrough();
  const environment = { env: {}, stdin, stdout: output, stderr: output, cwd: '/' } as unknown as Environment;
  return { stdin, output, environment };
}

describe('a question on the terminal after an Ink view', () => {
  it('takes back the reference to stdin that Ink dropped, so the process waits for the answer', async () => {
    const { stdin, output, environment } = terminalAfterInk();
    const answer = askOnTerminal('Press enter ', environment, output);
    expect(stdin.ref).toHaveBeenCalled();
    stdin.write('\r');
    await expect(answer).resolves.toBe('');
  });

  it('ignores keys pressed before the question was asked (an enter during apply answers nothing)', async () => {
    const { stdin, output, environment } = terminalAfterInk();
    stdin.write('early\r');
    const answer = askOnTerminal('Press enter ', environment, output);
    stdin.write('late\r');
    await expect(answer).resolves.toBe('late');
  });
});
