/**
 * Runs an organization command in-process against a sandbox organization, with its output captured: until the
 * organization file loader lands, the commands are given `OrganizationDesired` values built in the test.
 */
import { PassThrough } from 'node:stream';
import type { Environment } from '../../src/cli/environment.js';
import { StopSignal } from '../../src/cli/stop.js';

export interface Captured {
  environment: Environment;
  stdout(): string;
  stderr(): string;
  stop: StopSignal;
}

export function capture(cwd: string, env: NodeJS.ProcessEnv = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (into: string[]) => {
    const s = new PassThrough() as unknown as NodeJS.WriteStream;
    (s as unknown as PassThrough).on('data', (c: Buffer) => into.push(c.toString()));
    return s;
  };
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
  return {
    environment: { env: { NO_COLOR: '1', ...env }, stdout: stream(out), stderr: stream(err), stdin, cwd },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    stop: new StopSignal(),
  };
}
