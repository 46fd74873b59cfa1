/**
 * What `npm run build` ships as the executable: a bundle (scripts/bundle.mjs) whose AWS SDK is built from the SDK's
 * ES modules, keeping only what src/iam/sdk.ts names. Importing the SDK any other way (its whole CommonJS build
 * through `require`, or a namespace import the bundler cannot trim) would still work, and would quietly cost every
 * command that calls AWS the load of all of IAM's commands: these tests say so instead.
 */
import { createRequire } from 'node:module';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, BIN, ROOT, runCli, sandboxTarget, tempDir, type Target } from './harness.js';

const require = createRequire(import.meta.url);
const DIST = join(ROOT, 'dist');

/** The executable's own files: its entry, the parse worker and the chunks they import. */
async function bundleFiles(): Promise<string[]> {
  const chunks = (await readdir(join(DIST, 'chunks'))).filter((f) => f.endsWith('.js')).map((f) => join(DIST, 'chunks', f));
  return [BIN, join(DIST, 'config', 'parse-worker.js'), ...chunks];
}

/** The commands a client package exports (`GetLoginProfileCommand`, ...). */
function commandsOf(pkg: string): string[] {
  return Object.keys(require(pkg) as Record<string, unknown>).filter((name) => /^[A-Z]\w*Command$/.test(name));
}

/** The IAM commands src/iam/sdk.ts names in its export from `@aws-sdk/client-iam`. */
async function namedIamCommands(): Promise<string[]> {
  const source = await readFile(join(ROOT, 'src', 'iam', 'sdk.ts'), 'utf8');
  const block = /export \{([^}]*)\} from '@aws-sdk\/client-iam';/.exec(source)?.[1] ?? '';
  return [...block.matchAll(/\b(\w+Command)\b/g)].map((m) => m[1] as string);
}

describe('the bundled executable', () => {
  let text: string;
  let target: Target;

  beforeAll(async () => {
    text = (await Promise.all((await bundleFiles()).map((file) => readFile(file, 'utf8')))).join('\n');
    target = await sandboxTarget({ seed: join(ROOT, 'examples', 'sandbox', 'account.yaml') });
  });
  afterAll(async () => {
    await target.close();
  });

  it('imports no AWS SDK package at run time: the SDK is in the bundle', () => {
    // import and export statements, dynamic imports, and esbuild's require of a package it left out (error
    // messages of the SDK quote `require("...")` too, so a bare `require(` is not counted)
    const specifiers = [
      ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm),
      ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
      ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
      ...text.matchAll(/\b__require\(\s*["']([^"']+)["']\s*\)/g),
    ].map((m) => m[1] as string);
    expect(specifiers).toContain('node:fs');
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => s.startsWith('@aws-sdk/') || s.startsWith('@smithy/'))).toEqual([]);
  });

  it('keeps of IAM\'s commands exactly those src/iam/sdk.ts names', async () => {
    const named = await namedIamCommands();
    expect(named).toContain('GetLoginProfileCommand');
    // commands of the other clients in the bundle are not IAM's, even where a name is shared
    const others = new Set(['@aws-sdk/client-sts', '@aws-sdk/client-organizations', '@aws-sdk/client-cloudtrail'].flatMap(commandsOf));
    const iam = commandsOf('@aws-sdk/client-iam').filter((name) => !others.has(name));
    expect(iam.length).toBeGreaterThan(100);
    const bundled = iam.filter((name) => new RegExp(`\\b${name}\\b`).test(text));
    expect(bundled.sort()).toEqual(named.filter((name) => !others.has(name)).sort());
  });

  it('plans the example account without loading an SDK module from node_modules', async () => {
    const dir = await tempDir();
    const loaded = join(dir, 'loaded.json');
    const hook = join(dir, 'hook.mjs');
    // every CommonJS module the process loaded, written as it exits
    await writeFile(
      hook,
      `import { createRequire } from 'node:module';\nimport { writeFileSync } from 'node:fs';\nconst require = createRequire(import.meta.url);\n` +
        `process.on('exit', () => writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require('node:module')._cache))));\n`,
    );
    const result = await runCli(['plan', '-c', 'examples/iampass.yaml'], { env: { ...baseEnv(target.url), NODE_OPTIONS: `--import ${hook}` } });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan: 1 to add, 1 to change, 1 to destroy.');
    const modules = JSON.parse(await readFile(loaded, 'utf8')) as string[];
    expect(modules.some((m) => m.includes(`${join('node_modules', 'openpgp')}`))).toBe(true);
    expect(modules.filter((m) => /node_modules[\\/](@aws-sdk|@smithy)[\\/]/.test(m))).toEqual([]);
  });
});
