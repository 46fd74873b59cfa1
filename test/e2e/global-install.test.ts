/**
 * The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a scratch prefix, then the
 * installed `iampass` run from an unrelated folder. Catches a file the code needs at run time (the schemas, the
 * parse worker) missing from `files` in package.json. Slow (npm resolves every dependency, from its cache when it
 * can), so it runs once for the whole file.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './harness.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The caller's environment (proxy and certificate settings included: npm may need the network) without what
 * `npm test` adds for its own scripts (npm_config_*, npm_package_*), which would steer the inner npm.
 */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_'))),
  NO_COLOR: '1',
};

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const VALID = `version: 1
passwordPolicy: { minimumLength: 14, requireSymbols: true }
users:
  alice: { console: true }
`;

describe('a global install from the packed tarball', () => {
  let prefix: string;
  let elsewhere: string;
  let packed: string[];

  beforeAll(async () => {
    const packDir = await tempDir('iampass-pack-');
    prefix = await tempDir('iampass-global-');
    elsewhere = await tempDir('iampass-user-');
    // The suite runs after `npm run build`; packing must not rebuild (prepare) under the test's feet.
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    packed = (JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? [];
    const [tarball] = (await readdir(packDir)).filter((f) => /^iampass-.*\.tgz$/.test(f));
    expect(tarball).toBeDefined();
    const install = await run(
      'npm',
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(packDir, tarball as string)],
      elsewhere,
    );
    expect(install.code, install.stderr).toBe(0);
  }, 300_000);

  it('packs what the code reads at run time, and no tests or sources', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/cli/main.js',
        'dist/config/parse-worker.js',
        'schema/iampass.schema.json',
        'schema/plan.schema.json',
        'schema/drift.schema.json',
      ]),
    );
    expect(packed.filter((p) => p.startsWith('src/') || p.startsWith('test/'))).toEqual([]);
  });

  it('runs `iampass --version` from another folder', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await run(join(prefix, 'bin', 'iampass'), ['--version'], elsewhere);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('validates a file there, and reports a broken one at its line and column', async () => {
    await writeFile(join(elsewhere, 'iampass.yaml'), VALID);
    const valid = await run(join(prefix, 'bin', 'iampass'), ['validate'], elsewhere);
    expect(valid.code, valid.stderr).toBe(0);

    await writeFile(join(elsewhere, 'broken.yaml'), VALID.replace('minimumLength: 14', 'minimumLength: 4'));
    const broken = await run(join(prefix, 'bin', 'iampass'), ['validate', '-c', 'broken.yaml'], elsewhere);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^broken\.yaml:2:\d+: error: /m);
  });
});
