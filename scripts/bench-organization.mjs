// The organization target, measured (never asserted in unit tests): planning an organization of 50 accounts of
// 1,000 users each, against a sandbox that limits every account to its own rate (as AWS limits IAM per account)
// with added latency, takes within 1.3x of the floor: the slowest account's floor (its calls at its rate) times the
// number of waves --max-concurrent-accounts implies; and the plan's peak RSS stays under 300 MB.
// Usage: node scripts/bench-organization.mjs [--accounts 50 --users 1000 --account-rate 50 --latency-ms 20 --max-concurrent-accounts 10]
// (`npm run bench` runs it after the one-account figures.)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` (npm ci does it) first.');
  process.exit(1);
}
const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '50' },
    users: { type: 'string', default: '1000' },
    'account-rate': { type: 'string', default: '50' },
    'latency-ms': { type: 'string', default: '20' },
    'max-concurrent-accounts': { type: 'string', default: '10' },
  },
});
const accounts = Number(values.accounts);
const users = Number(values.users);
const accountRate = Number(values['account-rate']);
const latencyMs = Number(values['latency-ms']);
const maxConcurrent = Number(values['max-concurrent-accounts']);

export const results = [];
const report = (name, value, target, pass) => {
  results.push({ name, value, target, pass });
  console.log(`${pass ? 'PASS' : 'MISS'}  ${name}: ${value} (target ${target})`);
};

const work = mkdtempSync(join(tmpdir(), 'iampass-bench-org-'));
const ids = Array.from({ length: accounts }, (_, k) => String(200000000000 + k));
// Each member account: the policy lets users change their password (so no SimulatePrincipalPolicy), users-1
// governed users under /bench/, half with a console password; the file wants three in four with one.
const names = Array.from({ length: users - 1 }, (_, i) => `user-${String(i).padStart(5, '0')}`);
const userSeed = names.map((n, i) => `      - name: ${n}\n        path: /bench/\n${i % 2 === 0 ? '        loginProfile: { passwordResetRequired: false }\n' : ''}`).join('');
const seed = join(work, 'seed.yaml');
writeFileSync(
  seed,
  'organization:\n  management: "111111111111"\ncaller: admin\naccounts:\n' +
    '  - id: "111111111111"\n    name: management\n    email: m@example.com\n    users:\n      - name: admin\n' +
    ids
      .map((id) => `  - id: "${id}"\n    name: bench-${id.slice(-3)}\n    email: a${id}@example.com\n    passwordPolicy: { minimumPasswordLength: 8, allowUsersToChangePassword: true }\n    users:\n${userSeed}`)
      .join(''),
);
const config = join(work, 'iampass.yaml');
writeFileSync(config, `version: 1\nscope: { pathPrefix: /bench/ }\nusers:\n${names.map((n, i) => `  ${n}: { console: ${i % 4 !== 3} }`).join('\n')}\n`);

// Until the organization file loader lands, the run is driven through the built organization plan command, with the
// baseline loaded by the real loader from an account file and every ACTIVE member account as a target.
const driver = join(work, 'driver.mjs');
const dist = (path) => pathToFileURL(join(root, 'dist', path)).href;
writeFileSync(
  driver,
  `import { loadConfig } from ${JSON.stringify(dist('config/load.js'))};
import { organizationPlanCommand } from ${JSON.stringify(dist('cli/commands/org-plan.js'))};
import { StopSignal } from ${JSON.stringify(dist('cli/stop.js'))};
const [config, endpointUrl, maxConcurrentAccounts] = process.argv.slice(2);
const loaded = await loadConfig(config);
if (!loaded.ok) throw new Error('the bench config does not load');
const org = {
  version: 1,
  organization: { targets: { all: true, ous: [], accounts: [], tags: {}, exclude: [], includeManagement: false }, roleName: 'OrganizationAccountAccessRole', externalId: null },
  baseline: loaded.state,
  sections: new Map(),
  files: [{ file: config, sha256: '0'.repeat(64) }],
};
const environment = { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() };
process.exitCode = await organizationPlanCommand(org, org.files[0], { config, format: 'json', concurrency: 16, endpointUrl, maxConcurrentAccounts: Number(maxConcurrentAccounts), interactive: false }, environment, new StopSignal());
if (globalThis.gc) { globalThis.gc(); process.stderr.write('retained-heap ' + (process.memoryUsage().heapUsed / 1048576).toFixed(1) + ' MB\\n'); }
`,
);

const { startSandbox } = await import(dist('sandbox/server.js'));
const loadBefore = loadavg()[0];
const sandbox = await startSandbox({ port: 0, seed, faults: { latencyMs, rate: 0, burst: 0, accountRate, accountBurst: Math.max(1, Math.round(accountRate / 20)), failureRate: 0, dropRate: 0, emptyPageRate: 0 } });
// Per account: identity, policy, one ListUsers page, one GetLoginProfile per user, the credential report (generate,
// at least one poll, get), the journal group. The organization's own calls (Organizations, one AssumeRole per
// account) are the management account's and overlap the accounts' reads.
const perAccount = 1 + 1 + Math.ceil(users / 1000) + names.length + 3 + 1;
const waves = Math.ceil(accounts / maxConcurrent);
const floorMs = (perAccount / accountRate) * 1000 * waves;

const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NO_COLOR: '1',
};
const requestsBefore = sandbox.requestCount();
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const child = spawn(process.execPath, [...(process.env.IAMPASS_BENCH_GC ? ['--expose-gc'] : []), driver, config, sandbox.url, String(maxConcurrent)], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
child.stdout.on('data', (c) => (stdout += c));
child.stderr.on('data', (c) => (stderr += c));
let peakKb = 0;
let childCpu = null;
const sample = setInterval(() => {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    childCpu = (Number(stat[11]) + Number(stat[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    // the process has exited
  }
}, 50);
const code = await new Promise((resolve) => child.on('close', resolve));
clearInterval(sample);
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
const sandboxCpu = process.cpuUsage(cpuBefore);
const requests = sandbox.requestCount() - requestsBefore;
await sandbox.close();
rmSync(work, { recursive: true, force: true });
if (code !== 0 && code !== 2) {
  console.error(`organization plan exited ${code}:\n${stderr}`);
  process.exit(1);
}
const doc = JSON.parse(stdout);
console.log(
  `organization plan: ${doc.summary.accounts} accounts (${doc.summary.failed} failed) x ${users} users, ${accountRate} calls/s per account, ${latencyMs} ms latency, ` +
    `${maxConcurrent} accounts at a time (${waves} waves): ${(elapsedMs / 1000).toFixed(2)} s; floor ${(floorMs / 1000).toFixed(2)} s ` +
    `(${perAccount} calls per account; the sandbox answered ${requests} requests in all, throttled ones included)`,
);
for (const line of stderr.split('\n')) if (line.startsWith('retained-heap')) console.log(`  ${line}`);
console.log(
  `  CPU: iampass ${childCpu === null ? '?' : `${childCpu.toFixed(1)} s`}, sandbox ${((sandboxCpu.user + sandboxCpu.system) / 1e6).toFixed(1)} s; ` +
    `${cpus().length} cores, load ${loadBefore.toFixed(2)} before the run`,
);
report('organization plan time / floor', `${(elapsedMs / floorMs).toFixed(3)}x`, '<= 1.3x', elapsedMs / floorMs <= 1.3);
report('organization plan peak RSS', `${(peakKb / 1024).toFixed(1)} MB`, '< 300 MB', peakKb / 1024 < 300);
if (doc.summary.failed > 0) report('organization plan: every account planned', `${doc.summary.failed} failed`, '0 failed', false);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missed = results.filter((r) => !r.pass).length;
  console.log(`\n${results.length - missed} of ${results.length} targets met.`);
  process.exitCode = missed > 0 ? 1 : 0;
}
