#!/usr/bin/env node
// Installs Node.js <major> from the npm registry into <dir> and prints the folder holding its `node`, for CI to
// put first on PATH. The registry's node-<os>-<cpu> packages carry the official binary, so CI needs no other
// download site. The binary must report the major asked for, or this fails: a test run on the wrong Node would
// pass for the wrong reason.
// Usage: node scripts/ci-node.mjs <major> <dir>
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The registry package with the Node.js binary for this machine (only Linux x64 and arm64 are published as checked). */
function nodePackage(platform, arch) {
  const cpu = { x64: 'x64', arm64: 'arm64' }[arch];
  if (platform !== 'linux' || !cpu) throw new Error(`no Node.js package for ${platform}-${arch}: CI runs on Linux x64 or arm64`);
  return `node-linux-${cpu}`;
}

function fail(message) {
  process.stderr.write(`ci-node: ${message}\n`);
  process.exit(1);
}

const [major, target] = process.argv.slice(2);
if (!/^\d+$/.test(major ?? '') || !target) fail('usage: node scripts/ci-node.mjs <major> <dir>');
const dir = resolve(target);
let name;
try {
  name = nodePackage(process.platform, process.arch);
} catch (error) {
  fail(error.message);
}
// npm's own output goes to stderr: stdout carries only the answer.
const install = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${name}@${major}`], {
  stdio: ['ignore', 2, 2],
});
if (install.status !== 0) fail(`npm install ${name}@${major} failed (exit ${install.status ?? install.signal})`);
const bin = join(dir, 'node_modules', name, 'bin');
const version = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
if (!version.startsWith(`v${major}.`)) fail(`${name}@${major} installed, but its node reports ${version || 'nothing'}`);
process.stderr.write(`ci-node: Node.js ${version} in ${bin}\n`);
process.stdout.write(`${bin}\n`);
