// The README's main job: the whole loop against a local sandbox account, no AWS account needed.
// Starts `iampass sandbox` seeded from examples/, runs plan, apply, plan again, and stops the sandbox.
// iampass is pointed at the sandbox the standard AWS way (AWS_ENDPOINT_URL), as it would be at any endpoint.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'iampass-demo-'));
const deliveryDir = join(work, 'delivery');

const sandbox = spawn(
  process.execPath,
  [bin, 'sandbox', '--port', '0', '--state', join(work, 'account.json'), '--seed', join(root, 'examples/sandbox/account.yaml')],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

const stop = () => {
  sandbox.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

const url = await new Promise((resolve, reject) => {
  let seen = '';
  sandbox.stdout.on('data', (chunk) => {
    seen += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(seen);
    if (match) resolve(match[1]);
  });
  sandbox.on('exit', (code) => reject(new Error(`the sandbox exited (${code}) before listening`)));
  setTimeout(() => reject(new Error('the sandbox did not start within 10 s')), 10_000);
});

const env = {
  ...process.env,
  AWS_ENDPOINT_URL: url,
  AWS_ACCESS_KEY_ID: 'sandbox',
  AWS_SECRET_ACCESS_KEY: 'sandbox',
  AWS_REGION: 'us-east-1',
  // The demo tells iampass's story: no note about the Node.js version before each of its commands.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
delete env.AWS_PROFILE;
delete env.AWS_SESSION_TOKEN;

const steps = [
  ['1. Plan: what would change', ['plan', '-c', 'examples/iampass.yaml', '--detailed-exitcode'], [2]],
  ['2. Apply it', ['apply', '-c', 'examples/iampass.yaml', '--auto-approve', '--delivery-dir', deliveryDir], [0]],
  ['3. Plan again: nothing left to do', ['plan', '-c', 'examples/iampass.yaml', '--detailed-exitcode'], [0]],
];

let failed = false;
try {
  console.log(`Sandbox IAM account at ${url} (seeded from examples/sandbox/account.yaml)\n`);
  for (const [title, args, expected] of steps) {
    console.log(`\n=== ${title}: iampass ${args.join(' ').replace(deliveryDir, '<tmp>/delivery')}\n`);
    const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, stdio: 'inherit' });
    if (!expected.includes(run.status)) {
      console.error(`\nUnexpected exit code ${run.status} (wanted ${expected.join(' or ')}).`);
      failed = true;
      break;
    }
  }
  if (!failed) {
    console.log('\nDone: the account converged. Carol\'s new password was encrypted to examples/keys/carol.asc in a');
    console.log('temporary directory, deleted now with the sandbox. Try `npx iampass --help`.');
  }
} finally {
  stop();
}
process.exitCode = failed ? 1 : 0;
