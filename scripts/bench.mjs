// Performance targets, measured (never asserted in unit tests):
//   1. `validate` starts within 3x of Node's own start (the SDK and Ink load lazily, the schema is precompiled).
//   1b. `validate` of a 20,000-user file within 15x of Node's own start (parsing is linear).
//   1c. "Did you mean" for 4,000 unknown users against a 1,000-user account within 1 s (an index, not n x m).
//   2. Planning a 5,000-user account takes within 1.15x of the IAM rate-limit floor: the time the calls
//      it needs take at the endpoint's rate limit, with the endpoint's latency.
//   3. Peak memory of that plan stays under 150 MB.
// Usage: npm run bench [-- --users 5000 --rate 400 --latency-ms 20 --concurrency N --only validate]
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
    only: { type: 'string' },
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
report('validate start / node start', `${ratio.toFixed(2)}x`, '<= 3x', ratio <= 3);

// 1b. A large file: parsing and checking must stay about linear in its size.
const bigUsers = 20_000;
const bigWork = mkdtempSync(join(tmpdir(), 'iampass-bench-'));
const bigConfig = join(bigWork, 'iampass.yaml');
writeFileSync(
  bigConfig,
  `version: 1\nscope: { pathPrefix: /bench/ }\nusers:\n` +
    Array.from({ length: bigUsers }, (_, i) => `  user-${String(i).padStart(5, '0')}: { console: ${i % 4 !== 3} }\n`).join(''),
);
const first = time([bin, 'validate', '-c', bigConfig]);
// a slow run (the quadratic parse took minutes) is measured once; a fast one three times, for a median
const bigMs = first > 10_000 ? first : median([first, time([bin, 'validate', '-c', bigConfig]), time([bin, 'validate', '-c', bigConfig])]);
rmSync(bigWork, { recursive: true, force: true });
const bigRatio = bigMs / nodeStart;
console.log(`iampass validate of ${bigUsers} users: ${bigMs.toFixed(0)} ms`);
report(`validate ${bigUsers} users / node start`, `${bigRatio.toFixed(1)}x`, '<= 15x', bigRatio <= 15);

// 1c. Suggestions: every listed user missing from the account gets a "did you mean", from one index.
const { resolveScope } = await import(join(root, 'dist', 'plan', 'scope.js'));
const live = Array.from({ length: 1000 }, (_, i) => ({ name: `user-${String(i).padStart(5, '0')}`, path: '/' }));
// half near a live name (a likely typo), half far from all of them (nothing to suggest: the costly case)
const missing = Array.from({ length: 4000 }, (_, i) => ({
  name: i % 2 === 0 ? `user-${String(1000 + i).padStart(5, '0')}` : `ghost-${String(i).padStart(4, '0')}`,
}));
const desiredForScope = { scope: { pathPrefix: null, tags: {}, unlisted: 'ignore', protected: [] }, users: missing };
const suggestStart = process.hrtime.bigint();
const resolution = resolveScope(desiredForScope, live);
const suggestMs = Number(process.hrtime.bigint() - suggestStart) / 1e6;
const suggested = resolution.unresolved.filter((u) => u.detail !== null).length;
console.log(`did-you-mean for ${missing.length} unknown users against ${live.length}: ${suggestMs.toFixed(0)} ms (${suggested} suggestions)`);
report('suggestions, 4,000 unknown against 1,000 users', `${(suggestMs / 1000).toFixed(2)} s`, '<= 1 s', suggestMs <= 1000);

const finish = () => {
  const missed = results.filter((r) => !r.pass).length;
  console.log(`\n${results.length - missed} of ${results.length} targets met.`);
  process.exitCode = missed > 0 ? 1 : 0;
};
if (values.only === 'validate') {
  finish();
  process.exit();
}

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

finish();
