// Bundles the executable: `dist/cli/main.js` and the parse worker become bundles of the compiled modules (tsc's
// output in dist/, which tests and the benches still import one by one), split at each `await import(...)` into
// chunks under dist/chunks/, so a command still loads only what it uses. Two things make it worth a build step:
//   - The AWS SDK is bundled from its ES modules, so only what src/iam/sdk.ts names is kept (27 of IAM's commands,
//     not all of them): loading it costs about 40 ms of CPU instead of about 60 ms for its CommonJS build.
//   - About a hundred of our own modules load as a few chunks: about 10 ms less of resolving and reading files.
// Every other dependency stays in node_modules, loaded as before (several on demand through `createRequire`).
//
// The outputs sit two folders below the package root, as the compiled modules do, so the paths modules find from
// `import.meta.url` (../../package.json, ../../schema/, ../config/parse-worker.js) hold in both.
//
// Usage: node scripts/bundle.mjs   (after tsc; `npm run build` runs both)
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Bundled: the SDK packages (and what they import, found from them); everything else stays external. */
const BUNDLED = (name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/');
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED(name));

const entries = ['cli/main.js', 'config/parse-worker.js'];
rmSync(join(dist, 'chunks'), { recursive: true, force: true });
// The bundles replace these two compiled files; their source maps would describe the files they replace.
for (const entry of entries) rmSync(join(dist, `${entry}.map`), { force: true });

const result = await build({
  entryPoints: entries.map((entry) => join(dist, entry)),
  outbase: dist,
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages without `exports` (the SDK's clients) name their ES modules in `module`; CommonJS cannot be tree-shaken.
  mainFields: ['module', 'main'],
  external: external.flatMap((name) => [name, `${name}/*`]),
  chunkNames: 'chunks/[name]-[hash]',
  // Not minified, so names stay as written, except where two modules' top-level names collide (esbuild renames one).
  // Nothing reads a class's or function's `name` (the SDK's errors set theirs as a field); keeping every name
  // exactly (`keepNames`) would cost a plan of the example about 8 ms of CPU.
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
const files = Object.keys(result.metafile.outputs).length;
console.log(`bundle: ${files} files, ${(bytes / 1024).toFixed(0)} KB in dist/ (entries ${entries.join(', ')})`);
