// Performance targets, measured (never asserted in unit tests):
//   1. `validate` starts within 4x of Node's own start (the SDK and Ink load lazily).
//   2. Planning a 5,000-user account takes within 1.15x of the IAM rate-limit floor: the time the calls
//      it needs take at the endpoint's rate limit, with the endpoint's latency.
//   3. Peak memory of that plan stays under 150 MB.
//   4, 5. An organization of 50 accounts x 1,000 users within 1.3x of its floor, under 300 MB (scripts/bench-organization.mjs).
// Usage: npm run bench [-- --users 5000 --rate 400 --latency-ms 20 --concurrency N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(bin)) {
  console.error('dist/ is missing: run `npm run build` (npm ci does it) first.');
  process.exit(1);
}
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '400' },
    'latency-ms': { type: 'string', default: '20' },
    concurrency: { type: 'string' },
    runs: { type: 'string', default: '15' },
  },
});
const users = Number(values.users);
const rate = Number(values.rate);
const latencyMs = Number(values['latency-ms']);
const results = [];
const report = (name, value, target, pass) => {
  results.push({ name, value, target, pass });
  console.log(`${pass ? 'PASS' : 'MISS'}  ${name}: ${value} (target ${target})`);
};

// 1. Start-up time.
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (args) => {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const runs = Number(values.runs);
const nodeStart = median(Array.from({ length: runs }, () => time(['-e', '0'])));
const validateStart = median(Array.from({ length: runs }, () => time([bin, 'validate', '-c', 'examples/iampass.yaml'])));
const ratio = validateStart / nodeStart;
console.log(`node -e 0: ${nodeStart.toFixed(1)} ms; iampass validate: ${validateStart.toFixed(1)} ms (medians of ${runs})`);
report('validate start / node start', `${ratio.toFixed(2)}x`, '<= 4x', ratio <= 4);

// 2 and 3. A large plan against a rate-limited sandbox.
const { startSandbox } = await import(join(root, 'dist', 'sandbox', 'server.js'));
const work = mkdtempSync(join(tmpdir(), 'iampass-bench-'));
// The account holds `users` users in all (IAM's quota is 5,000): the caller plus users-1 governed ones.
const names = Array.from({ length: users - 1 }, (_, i) => `user-${String(i).padStart(5, '0')}`);
const seed = join(work, 'seed.yaml');
writeFileSync(
  seed,
  `account: "123456789012"\ncaller: admin\nusers:\n  - name: admin\n` +
    names
      .map((n, i) => `  - name: ${n}\n    path: /bench/\n${i % 2 === 0 ? '    loginProfile: { passwordResetRequired: false }\n' : ''}`)
      .join(''),
);
const config = join(work, 'iampass.yaml');
writeFileSync(
  config,
  `version: 1\nscope: { pathPrefix: /bench/ }\nusers:\n${names.map((n, i) => `  ${n}: { console: ${i % 4 !== 3} }`).join('\n')}\n`,
);
const sandbox = await startSandbox({ port: 0, seed, faults: { latencyMs, rate, burst: Math.max(1, Math.round(rate / 20)), failureRate: 0, dropRate: 0 } });
// Identity, policy, ListUsers pages, one GetLoginProfile each; then the advisories: the credential report (generate,
// poll, get) and one SimulatePrincipalPolicy per user given a password with a forced reset, since the AWS default
// policy does not let users change their own.
const simulated = names.filter((_, i) => i % 2 === 1 && i % 4 !== 3).length;
const calls = 2 + Math.ceil(users / 1000) + names.length + 3 + simulated;
const floorMs = (calls / rate) * 1000;

const env = {
  ...process.env,
  AWS_ENDPOINT_URL: sandbox.url,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NO_COLOR: '1',
};
const args = [bin, 'plan', '-c', config, ...(values.concurrency ? ['--concurrency', values.concurrency] : [])];
const started = process.hrtime.bigint();
const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (c) => (stderr += c));
let peakKb = 0;
const sample = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
  } catch {
    // the process has exited
  }
}, 20);
const code = await new Promise((resolve) => child.on('close', resolve));
clearInterval(sample);
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
await sandbox.close();
rmSync(work, { recursive: true, force: true });
if (code !== 0) {
  console.error(`plan exited ${code}:\n${stderr}`);
  process.exit(1);
}
console.log(stderr.trim().split('\n').filter((l) => l.startsWith('Read')).join('\n'));
console.log(`plan of ${users} users at ${rate} calls/s, ${latencyMs} ms latency: ${(elapsedMs / 1000).toFixed(2)} s; floor ${(floorMs / 1000).toFixed(2)} s for ${calls} calls`);
report('plan time / rate-limit floor', `${(elapsedMs / floorMs).toFixed(3)}x`, '<= 1.15x', elapsedMs / floorMs <= 1.15);
report('plan peak RSS', `${(peakKb / 1024).toFixed(1)} MB`, '< 150 MB', peakKb / 1024 < 150);

// 4 and 5. An organization of 50 accounts x 1,000 users, each account rate-limited on its own (its own script).
console.log('');
const organization = spawnSync(process.execPath, [join(root, 'scripts', 'bench-organization.mjs')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
for (const line of organization.stdout.split('\n')) {
  const m = /^(PASS|MISS) {2}(.*)$/.exec(line);
  if (m) results.push({ name: m[2], pass: m[1] === 'PASS' });
  if (line !== '' && !/targets met\.$/.test(line)) console.log(line);
}
if (organization.status !== 0 && !results.some((r) => !r.pass)) results.push({ name: 'organization bench', pass: false });

const missed = results.filter((r) => !r.pass).length;
console.log(`\n${results.length - missed} of ${results.length} targets met.`);
process.exitCode = missed > 0 ? 1 : 0;
