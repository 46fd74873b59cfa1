/**
 * `iampass completion bash|zsh|fish`, checked against the program's own option list as `--help` prints it: every
 * command, and every option of every command, is offered, and nothing else. The bash script is sourced in a real
 * bash and asked through its completion function, as bash does on TAB; fish is asked with `complete
 * --do-complete`; zsh is syntax-checked and read per command. zsh and fish are Debian packages .ci/run installs;
 * where one is missing its tests say so and skip, as the tmux test does.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from './harness.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const has = (shell: string) => spawnSync(shell, ['--version'], { stdio: 'ignore' }).status === 0;
const hasZsh = has('zsh');
const hasFish = has('fish');
for (const [shell, present] of [['zsh', hasZsh], ['fish', hasFish]] as const) {
  if (!present) console.log(`${shell} is not installed: its completion tests are skipped (.ci/run installs it).`);
}

/** The section of `--help` output under `title:`, one entry per item (continuation lines dropped). */
function helpItems(help: string, title: string): string[] {
  const section = help.split(`${title}:\n`)[1] ?? '';
  const items: string[] = [];
  for (const line of section.split('\n')) {
    if (line === '' || !line.startsWith(' ')) break;
    if (/^ {2}\S/.test(line)) items.push(line.trim().split(/\s{2,}/)[0] ?? '');
  }
  return items;
}

const helps = new Map<string, string>();

/** Every flag the program lists for `command` (or for the program itself), as its help prints them. */
function optionsOf(command = ''): string[] {
  let help = helps.get(command);
  if (help === undefined) {
    help = (command ? cli(command, '--help') : cli('--help')).stdout;
    helps.set(command, help);
  }
  return helpItems(help, 'Options').flatMap((item) => item.match(/--?[A-Za-z][\w-]*/g) ?? []).sort();
}

const COMMANDS = helpItems(cli('--help').stdout, 'Commands').map((item) => item.split(' ')[0] ?? '');

const sorted = (list: string[]) => [...list].sort();

describe('the program the completions are compared with', () => {
  it('has the commands and options the README documents', () => {
    expect(COMMANDS).toEqual(['validate', 'lint', 'plan', 'apply', 'force-unlock', 'drift', 'status', 'import', 'merge-reports', 'sandbox', 'completion', 'help']);
    expect(optionsOf('plan')).toContain('--detailed-exitcode');
    expect(optionsOf('apply')).toEqual(expect.arrayContaining(['-c', '--config', '--reveal', '--no-interactive']));
  });

  it('refuses a shell it does not know, naming the ones it does', () => {
    const result = cli('completion', 'powershell');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Allowed choices are bash, zsh, fish.');
  });
});

describe('bash completion', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    dir = await tempDir();
    script = join(dir, 'iampass.bash');
    await writeFile(script, cli('completion', 'bash').stdout);
    await mkdir(join(dir, 'examples'));
    await writeFile(join(dir, 'examples', 'iampass.yaml'), 'version: 1\n');
    await writeFile(join(dir, 'iampass.plan.json'), '{}');
  });

  /** What bash offers for the command line `words` (the last word being completed), as TAB would. */
  function complete(...words: string[]): string[] {
    const commands = [
      `source '${script}'`,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_iampass',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const result = spawnSync('bash', ['-c', commands], { encoding: 'utf8', cwd: dir });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter((l) => l !== '');
  }

  it('offers every command, and completes a started one', () => {
    expect(sorted(complete('iampass', ''))).toEqual(sorted(COMMANDS));
    expect(complete('iampass', 'pl')).toEqual(['plan']);
    expect(sorted(complete('iampass', '-'))).toEqual(optionsOf());
  });

  it.each(COMMANDS.filter((c) => c !== 'help'))('offers exactly the options of `iampass %s --help`', (command) => {
    expect(sorted(complete('iampass', command, '-'))).toEqual(optionsOf(command));
  });

  it.each([
    { line: ['iampass', 'plan', '--format', ''], offers: ['json', 'markdown', 'text'] },
    { line: ['iampass', 'lint', '--fail-on', 'w'], offers: ['warning'] },
    { line: ['iampass', 'completion', ''], offers: ['bash', 'fish', 'zsh'] },
    { line: ['iampass', 'help', 'dr'], offers: ['drift'] },
    { line: ['iampass', 'plan', '-c', 'examples/'], offers: ['examples/iampass.yaml'] },
    { line: ['iampass', 'apply', 'iampass.p'], offers: ['iampass.plan.json'] },
    { line: ['iampass', 'plan', '--region', ''], offers: [] },
    { line: ['iampass', 'drift', '--no-c'], offers: ['--no-color'] },
  ])('completes `$line` to $offers', ({ line, offers }) => {
    expect(sorted(complete(...line))).toEqual(offers);
  });
});

describe.skipIf(!hasFish)('fish completion', () => {
  let script: string;
  beforeAll(async () => {
    script = join(await tempDir(), 'iampass.fish');
    await writeFile(script, cli('completion', 'fish').stdout);
  });

  function complete(line: string): string[] {
    const result = spawnSync('fish', ['--no-config', '-c', `source '${script}'; complete --do-complete '${line}'`], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return result.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')[0] ?? '');
  }

  it('offers every command', () => {
    expect(sorted(complete('iampass '))).toEqual(sorted(COMMANDS));
  });

  it.each(COMMANDS.filter((c) => c !== 'help'))('offers exactly the options of `iampass %s --help`', (command) => {
    expect(sorted(complete(`iampass ${command} -`))).toEqual(optionsOf(command));
  });

  it('offers the choices of an option and of an argument', () => {
    expect(sorted(complete('iampass drift --format '))).toEqual(['html', 'json', 'markdown', 'text']);
    expect(sorted(complete('iampass completion '))).toEqual(['bash', 'fish', 'zsh']);
  });
});

describe.skipIf(!hasZsh)('zsh completion', () => {
  const script = cli('completion', 'zsh').stdout;

  it('is valid zsh', () => {
    const result = spawnSync('zsh', ['-n'], { input: script, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('describes every command', () => {
    const described = [...script.matchAll(/^ {8}'([\w-]+):/gm)].map((m) => m[1] ?? '');
    expect(sorted(described)).toEqual(sorted(COMMANDS));
  });

  it.each(COMMANDS.filter((c) => c !== 'help'))('lists exactly the options of `iampass %s --help`', (command) => {
    const section = new RegExp(`^ {8}${command}\\)\\n([\\s\\S]*?)^ {10};;`, 'm').exec(script)?.[1] ?? '';
    const flags = [...section.matchAll(/(?:^|[{,'\s])(--?[A-Za-z][\w-]*)(?=[,}'[])/gm)].map((m) => m[1] ?? '');
    expect(sorted([...new Set(flags)])).toEqual(optionsOf(command));
  });
});
