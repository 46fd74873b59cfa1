/**
 * The iampass program (main.ts starts it): argument parsing, exit codes, signals. The only module that touches `process`.
 * Commands are imported on demand so `validate` and `--help` start without loading the AWS SDK or Ink.
 */
import { Argument, Command, Option } from './commander.js';
import { addAwsOptions, duration, positiveInt } from './aws-options.js';
import { addOrganizationOptions } from './organization-options.js';
import { nodeSupportNote, type Environment } from './environment.js';
import { EXIT } from './errors.js';
import { UserError } from '../util/user-error.js';
import { StopSignal } from './stop.js';
import { DRIFT_FORMATS, PLAN_FORMATS, STATUS_FORMATS } from '../render/format-names.js';
import { VERSION } from '../util/version.js';

// The AWS SDK warns in nine lines on every command on Node 20; iampass says it in one (nodeSupportNote) instead.
// Set before any command loads the SDK (none of the imports above does). Whoever set it themselves opted out of
// the note too.
const nodeNoteWanted = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED !== 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Commands that call AWS say the Node.js note first, on stderr; validate, lint, sandbox and --version never do. */
function noteNodeSupport(): void {
  const note = nodeNoteWanted ? nodeSupportNote(process.version) : null;
  if (note) process.stderr.write(`${note}\n`);
}

const environment: Environment = {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
};

const stop = new StopSignal();

/**
 * Ctrl-C: the first asks the command to stop (calls in flight finish, none start, the summary is honest; the
 * command says so in its own view); the second exits at once.
 */
function onInterrupt(): void {
  if (stop.request() > 1) {
    process.stderr.write('\nSecond interrupt: exiting now. Run `iampass plan` to see what was applied.\n');
    process.exit(EXIT.error);
  }
}

async function run(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    const detail = process.env.IAMPASS_DEBUG ? (error as Error).stack : (error as Error).message;
    process.stderr.write(`iampass: internal error: ${detail}\nPlease report this; set IAMPASS_DEBUG=1 for a stack trace.\n`);
    process.exitCode = EXIT.error;
  }
}

/**
 * A command that calls AWS and can be interrupted: the Node.js note first, then Ctrl-C asks it to stop (see
 * `onInterrupt`) while it runs.
 */
function runAws(action: () => Promise<number>): Promise<void> {
  return run(async () => {
    noteNodeSupport();
    process.on('SIGINT', onInterrupt);
    return action();
  });
}

const configOption = () =>
  new Option('-c, --config <file>', 'the desired-state file').env('IAMPASS_CONFIG').default('iampass.yaml');

const failOnOption = () =>
  new Option('--fail-on <level>', 'exit 1 while any warning is not acknowledged: warning or none (default: advisories.failOn in the file, else none)').choices(
    ['none', 'warning'] as const,
  );

const program = new Command()
  .name('iampass')
  .description('Declarative reconciler for AWS IAM console access: password policy and login profiles as code.')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    '\nExit codes: 0 success (no changes), 1 error, 2 success with changes (plan --detailed-exitcode; drift: drifted).\n' +
      'With --fail-on warning (or advisories.failOn: warning), any warning not acknowledged in the file is an error.',
  );

const formatOption = <F extends string>(choices: readonly F[], help: string) =>
  new Option('--format <format>', `output format: ${help}`).choices(choices).default('text' as F);

const outputOption = () => new Option('-o, --output <file>', 'write the report to FILE (atomically) instead of standard output');

const collect = (value: string, previous: string[]) => [...previous, value];

program
  .command('validate')
  .description('check the desired-state file offline (schema and semantic checks; no AWS calls)')
  .addOption(configOption())
  .action((opts) =>
    run(async () => (await import('./commands/validate.js')).validateCommand(opts.config, environment)),
  );

program
  .command('lint')
  .description('offline: validate, then the warnings the file alone can show (password policy against CIS, hardExpiry)')
  .addOption(configOption())
  .addOption(failOnOption())
  .option('--no-color', 'no ANSI colours (also NO_COLOR)')
  .action((opts) => run(async () => (await import('./commands/lint.js')).lintCommand(opts, environment)));

addOrganizationOptions(
  addAwsOptions(
    program
      .command('plan')
      .description('show what apply would change, and why')
      .addOption(configOption())
      .option('--detailed-exitcode', 'exit 2 when there are changes (0 when none, 1 on error)')
      .addOption(failOnOption())
      .addOption(formatOption(PLAN_FORMATS, 'text for people, json for machines, markdown for pull-request comments'))
      .option('--out <file>', 'also save the plan (versioned JSON, no secrets) for `iampass apply FILE`')
      .option('--no-color', 'no ANSI colours (also NO_COLOR)')
      .option('--interactive', 'use the live terminal UI even if the session does not look interactive')
      .option('--no-interactive', 'plain text output, no live terminal UI'),
  ),
).action((opts) =>
  runAws(async () => (await import('./commands/plan.js')).planCommand(opts, environment, stop)),
);

addOrganizationOptions(
  addAwsOptions(
    program
      .command('apply')
      .description('carry out the plan after confirmation, or exactly a saved plan once it is checked to still hold')
      .argument('[planfile]', 'a saved plan (`plan --out`): applied without a prompt, refused if anything it depends on changed')
      .addOption(
        new Option('-c, --config <file>', 'the desired-state file (default: iampass.yaml; with a saved plan, the file it was made from)').env(
          'IAMPASS_CONFIG',
        ),
      )
      .option('--auto-approve', 'apply without asking (for CI)')
      .option('--password-dir <dir>', 'write generated passwords without an OpenPGP key to DIR/ACCOUNT/USER.STAMP.password (plain text, mode 0600)')
      .option('--delivery-dir <dir>', 'where passwords encrypted to users\' OpenPGP keys are written (DIR/ACCOUNT/USER.STAMP.password.asc)', 'iampass-delivery')
      .addOption(
        new Option('--lock-timeout <duration>', 'wait this long for another apply\'s lock on the account (e.g. 30s, 10m); 0 refuses at once')
          .argParser(duration('--lock-timeout'))
          .default(0, '0'),
      )
      .option('--reveal', 'show generated passwords without an OpenPGP key once, on this terminal, then clear it')
      .addOption(failOnOption())
      .option('--no-color', 'no ANSI colours (also NO_COLOR)')
      .option('--interactive', 'treat the session as interactive even if it does not look like one')
      .option('--no-interactive', 'never prompt; refuse instead of asking'),
  ),
).action((planfile, opts) =>
  runAws(async () => (await import('./commands/apply.js')).applyCommand(planfile, opts, environment, stop)),
);

addAwsOptions(
  program
    .command('force-unlock')
    .description('break the apply lock a dead run left on the account (its id is in the refusal of the next apply)')
    .argument('<id>', 'the lock id'),
).action((id, opts) => run(async () => (await import('./commands/force-unlock.js')).forceUnlockCommand(id, opts, environment)));

addOrganizationOptions(
  addAwsOptions(
    program
      .command('drift')
      .description('report where live IAM differs from the file, for a schedule (exit 0 in sync, 2 drifted, 1 error)')
      .addOption(configOption())
      .addOption(formatOption(DRIFT_FORMATS, 'text for people, json for machines, markdown for comments, html for a page to keep or print'))
      .addOption(outputOption())
      .option('--html <file>', 'also write the HTML report to FILE, whatever --format prints (a CI artifact)')
      .option('--no-attribution', 'do not ask CloudTrail who made each drifted item what it is')
      .addOption(
        new Option('--webhook <url>', 'POST the JSON report (with a Slack `text` field) here when there is drift').env('IAMPASS_WEBHOOK_URL'),
      )
      .option('--heartbeat', 'post to the webhook on every run, in sync too (a missing post means the check stopped)')
      .option('--fast', 'a handful of calls for any number of users: console access from the credential report (up to 4 hours old); pending resets and rotation tokens not checked')
      .addOption(
        new Option('--ignore <rule>', 'leave matching drift out of the result: policy, policy.FIELD, user:GLOB, user:GLOB:FIELD (repeatable)')
          .argParser(collect)
          .default([] as string[], 'none'),
      )
      .option('--ignore-file <file>', `more rules, one a line (default: ${'.iampassignore'} next to the config, if present)`)
      .option('--no-color', 'no ANSI colours (also NO_COLOR)'),
  ),
).action((opts) =>
  runAws(async () => (await import('./commands/drift.js')).driftCommand(opts, environment, stop)),
);

addOrganizationOptions(
  addAwsOptions(
    program
      .command('status')
      .description('every governed user\'s console access, last sign-in, password age and expiry, MFA, access keys and rotation token')
      .addOption(configOption())
      .addOption(formatOption(STATUS_FORMATS, 'text for people (a sortable table at a terminal), json for machines, html for a page to keep or print'))
      .addOption(outputOption())
      .option('--fast', 'no call per user: console access from the credential report (up to 4 hours old); profile creation and pending resets not read')
      .option('--no-color', 'no ANSI colours (also NO_COLOR)')
      .option('--interactive', 'use the live terminal table even if the session does not look interactive')
      .option('--no-interactive', 'plain text output, no live terminal table'),
  ),
).action((opts) =>
  runAws(async () => (await import('./commands/status.js')).statusCommand(opts, environment, stop)),
);

addAwsOptions(
  program
    .command('import')
    .description('write a desired-state file from live IAM: the policy and each in-scope user\'s console access')
    .option('--path-prefix <prefix>', 'only users whose IAM path starts with this, e.g. /staff/')
    .option('--tag <key=value>', 'only users with this tag (repeatable; all must match)', collect, [] as string[])
    .option('-o, --output <file>', 'write here instead of standard output')
    .option('--merge', 'update an existing file in place, keeping its comments and other settings')
    .option('--force', 'replace an existing file')
    .option('--account <id>', 'import a member account of the caller\'s organization, reached by assuming a role in it')
    .option('--role-name <name>', 'with --account: the role to assume (default OrganizationAccountAccessRole)')
    .option('--external-id <id>', 'with --account: the sts:ExternalId the role requires'),
).action((opts) =>
  runAws(async () => (await import('./commands/import.js')).importCommand(opts, environment, stop)),
);

program
  .command('merge-reports')
  .description('merge the JSON reports of the shards of one organization run (--shard i/N) into one, with that run\'s exit code')
  .argument('<reports...>', 'the shards\' JSON reports (plan --out, or --format json -o FILE)')
  .addOption(new Option('--format <format>', 'output format: text, json, markdown (plan, drift) or html (drift, status)').choices(['text', 'json', 'markdown', 'html'] as const).default('text' as const))
  .addOption(outputOption())
  .addOption(new Option('--failure-tolerance <n>', 'exit 1 when more accounts than this failed (default: the shards\' own)').argParser(positiveIntOrZeroTolerance))
  .option('--detailed-exitcode', 'for plans: exit 2 when any account has changes')
  .option('--no-color', 'no ANSI colours (also NO_COLOR)')
  .action((reports, opts) => run(async () => (await import('./commands/merge-reports.js')).mergeReportsCommand(reports, opts, environment)));

program
  .command('sandbox')
  .description('run a local AWS endpoint (IAM, STS, Organizations, CloudTrail) for trying iampass without an AWS account')
  .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', positiveIntOrZero, 4566)
  .option('--state <file>', 'persist the accounts to this JSON file')
  .option('--seed <file>', 'YAML description of the account or organization to start from')
  .option('--verbose', 'log every request (action, user, status, latency) to stderr')
  .option('--latency-ms <n>', 'fault: added latency per call', Number)
  .option('--rate <n>', 'fault: calls per second before Throttling', Number)
  .option('--burst <n>', 'fault: burst size of the rate limit', Number)
  .option('--account-rate <n>', 'fault: calls per second per calling account before Throttling (as AWS limits each account)', Number)
  .option('--account-burst <n>', 'fault: burst size of each account\'s rate limit', Number)
  .option('--failure-rate <p>', 'fault: probability 0..1 of ServiceFailure', Number)
  .option('--drop-rate <p>', 'fault: probability 0..1 of a dropped connection', Number)
  .option('--empty-page-rate <p>', 'fault: probability 0..1 of an empty Organizations/CloudTrail page with a NextToken', Number)
  .option('--lookup-events-rate <n>', 'CloudTrail LookupEvents per second per account (AWS: 2, the default; 0 = unlimited)', Number)
  .action((opts) =>
    run(async () => {
      const [{ runSandbox }, { SandboxSetupError }] = await Promise.all([
        import('../sandbox/command.js'),
        import('../sandbox/errors.js'),
      ]);
      try {
        await runSandbox(opts);
      } catch (error) {
        if (error instanceof SandboxSetupError) throw new UserError(`iampass sandbox: ${error.message}`);
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new UserError(`iampass sandbox: port ${opts.port} is in use; choose another with --port (0 picks a free one)`);
        }
        throw error;
      }
      return EXIT.ok;
    }),
  );

program
  .command('completion')
  .description('print a shell completion script, e.g. `source <(iampass completion bash)` in ~/.bashrc')
  .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish'] as const))
  .action((shell) =>
    run(async () => {
      environment.stdout.write((await import('./completion.js')).completionScript(shell, program));
      return EXIT.ok;
    }),
  );

function positiveIntOrZeroTolerance(value: string): number {
  return value === '0' ? 0 : positiveInt('--failure-tolerance', 100_000)(value);
}

function positiveIntOrZero(value: string): number {
  return value === '0' ? 0 : positiveInt('--port', 65535)(value);
}

await program.parseAsync(process.argv);
