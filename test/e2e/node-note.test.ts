/**
 * The AWS SDK's nine-line Node.js warning never shows; iampass says it once, in one line on stderr, only on a
 * Node.js the SDK will drop, and only for commands that call AWS. Runs on whatever Node runs the suite (CI runs
 * it on 20, 22 and 24), so both sides are checked somewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSupportNote } from '../../src/cli/environment.js';
import { baseEnv, runCli, sandboxTarget, tempDir, writeConfig, type Target } from './harness.js';

const expected = nodeSupportNote(process.version);

describe(`the Node.js note on ${process.version}`, () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    target = await sandboxTarget();
    dir = await tempDir();
    await writeConfig(dir, 'version: 1\nusers: {}\n');
    env = baseEnv(target.url);
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  });
  afterAll(() => target.close());

  it.each([
    { args: ['plan'], calls: true },
    { args: ['drift'], calls: true },
    { args: ['status'], calls: true },
    { args: ['import'], calls: true },
    { args: ['validate'], calls: false },
    { args: ['lint'], calls: false },
    { args: ['--version'], calls: false },
  ])('iampass $args.0', async ({ args, calls }) => {
    const result = await runCli(args, { env, cwd: dir });
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
    const notes = result.stderr.split('\n').filter((line) => line.startsWith('note: Node.js'));
    expect(notes).toEqual(calls && expected ? [expected] : []);
  });

  it('is silent when the SDK variable is set by whoever runs iampass', async () => {
    const result = await runCli(['plan'], { env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('Node.js');
  });
});
