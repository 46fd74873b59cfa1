/**
 * `iampass completion bash|zsh|fish`: a completion script generated from the commander program itself (its
 * commands, options, option choices and arguments), so it can never fall behind the CLI. Options whose value
 * is a `<file>` or `<dir>`, and arguments without choices (a saved plan), complete file names.
 */
import type { CommandUnknownOpts, Option } from '@commander-js/extra-typings';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a value after an option, or an argument, completes to. */
type Value = { kind: 'none' } | { kind: 'file' } | { kind: 'word' } | { kind: 'choice'; choices: string[] };

/** One option as the shells see it. Invariant: `flags` holds at least one of `short` and `long`. */
interface CompletionOption {
  short: string | null;
  long: string | null;
  flags: string[];
  summary: string;
  value: Value;
  repeatable: boolean;
}

interface CompletionCommand {
  name: string;
  summary: string;
  options: CompletionOption[];
  /** The first positional argument: a saved plan file, a shell, a command name; or none. */
  argument: Value;
}

interface CompletionModel {
  name: string;
  options: CompletionOption[];
  commands: CompletionCommand[];
}

export function completionScript(shell: Shell, program: CommandUnknownOpts): string {
  const model = describeProgram(program);
  switch (shell) {
    case 'bash':
      return bashScript(model);
    case 'zsh':
      return zshScript(model);
    case 'fish':
      return fishScript(model);
  }
}

function describeProgram(program: CommandUnknownOpts): CompletionModel {
  const help = program.createHelp();
  const commands = help.visibleCommands(program);
  const names = commands.map((c) => c.name());
  return {
    name: program.name(),
    options: help.visibleOptions(program).map(describeOption),
    commands: commands.map((command) => {
      const first = command.registeredArguments[0];
      let argument: Value = { kind: 'none' };
      // commander's implicit `help [command]` takes a command name.
      if (command.name() === 'help') argument = { kind: 'choice', choices: names.filter((n) => n !== 'help') };
      else if (first?.argChoices) argument = { kind: 'choice', choices: [...first.argChoices] };
      else if (first) argument = { kind: 'file' };
      return { name: command.name(), summary: summary(command.description()), options: help.visibleOptions(command).map(describeOption), argument };
    }),
  };
}

function describeOption(option: Option): CompletionOption {
  let value: Value = { kind: 'none' };
  if (option.argChoices) value = { kind: 'choice', choices: [...option.argChoices] };
  else if (/<(file|dir)>/.test(option.flags)) value = { kind: 'file' };
  else if (option.required || option.optional) value = { kind: 'word' };
  const short = option.short ?? null;
  const long = option.long ?? null;
  return {
    short,
    long,
    flags: [short, long].filter((f): f is string => f !== null),
    summary: summary(option.description),
    value,
    // Options that collect into a list (--tag, --ignore) may be given again.
    repeatable: Array.isArray(option.defaultValue),
  };
}

/** The first clause of a description, without the characters the shells' quoting would need to escape. */
function summary(description: string): string {
  const clause = description.split(/; | \(|, e\.g\./)[0] ?? '';
  return clause.replace(/: /g, ' - ').replace(/[[\]'"`\\$:]/g, '').trim();
}

const words = (list: readonly string[]) => list.join(' ');

function bashScript(model: CompletionModel): string {
  const cases = model.commands.map((command) => {
    const byValue = (kind: Value['kind']) => command.options.filter((o) => o.value.kind === kind).flatMap((o) => o.flags);
    const valueCases = [
      ...command.options.flatMap((o) =>
        o.value.kind === 'choice' ? [`        ${o.flags.join('|')}) COMPREPLY=($(compgen -W "${words(o.value.choices)}" -- "$cur")); return ;;`] : [],
      ),
      ...(byValue('file').length > 0 ? [`        ${byValue('file').join('|')}) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;`] : []),
      // A value to type (a URL, a region, a number): nothing to offer.
      ...(byValue('word').length > 0 ? [`        ${byValue('word').join('|')}) COMPREPLY=(); return ;;`] : []),
    ];
    const argument = command.argument;
    return [
      `    ${command.name})`,
      ...(valueCases.length > 0 ? ['      case "$prev" in', ...valueCases, '      esac'] : []),
      `      options="${words(command.options.flatMap((o) => o.flags))}"`,
      argument.kind === 'choice' ? `      args="${words(argument.choices)}"` : argument.kind === 'file' ? '      files=1' : '',
      '      ;;',
    ].filter((line) => line !== '');
  });
  return `# bash completion for ${model.name}, generated from its own commands and options (${model.name} completion bash).
# Load it with: source <(${model.name} completion bash)
_${model.name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local command="" options="" args="" files="" i
  # The command is the first word that is not an option (the program itself takes no option with a value).
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$command" in
    "")
      options="${words(model.options.flatMap((o) => o.flags))}"
      args="${words(model.commands.map((c) => c.name))}"
      ;;
${cases.flat().join('\n')}
    *) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ -n "$files" ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ -n "$args" ]]; then
    COMPREPLY=($(compgen -W "$args" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  fi
}
complete -F _${model.name} ${model.name}
`;
}

function zshSpec(o: CompletionOption): string {
  const exclusive = o.flags.length > 1 && !o.repeatable ? `'(${o.flags.join(' ')})'` : o.repeatable ? "'*'" : '';
  const names = o.flags.length > 1 ? `{${o.flags.join(',')}}` : o.flags[0];
  const value =
    o.value.kind === 'choice'
      ? `:value:(${words(o.value.choices)})`
      : o.value.kind === 'file'
        ? ':file:_files'
        : o.value.kind === 'word'
          ? ':value: '
          : '';
  return `${exclusive}${names}'[${o.summary}]${value}'`;
}

function zshScript(model: CompletionModel): string {
  const fn = `_${model.name}`;
  const commandCases = model.commands.map((command) => {
    const arg = command.argument;
    const argSpec = arg.kind === 'choice' ? [`'1:argument:(${words(arg.choices)})'`] : arg.kind === 'file' ? ["'1:file:_files'"] : [];
    const specs = [...command.options.map(zshSpec), ...argSpec];
    return `        ${command.name})\n          _arguments -s \\\n            ${specs.join(' \\\n            ')}\n          ;;`;
  });
  return `#compdef ${model.name}
# zsh completion for ${model.name}, generated from its own commands and options (${model.name} completion zsh).
# Load it with: source <(${model.name} completion zsh)   (after compinit; or save it as ${fn} in a folder on $fpath)
${fn}() {
  local curcontext="$curcontext" state line
  typeset -A opt_args
  _arguments -C \\
    ${model.options.map(zshSpec).join(' \\\n    ')} \\
    '1: :->command' \\
    '*:: :->args'
  case $state in
    command)
      local -a commands
      commands=(
${model.commands.map((c) => `        '${c.name}:${c.summary}'`).join('\n')}
      )
      _describe -t commands '${model.name} command' commands
      ;;
    args)
      case $words[1] in
${commandCases.join('\n')}
      esac
      ;;
  esac
}
if [[ "$funcstack[1]" == "${fn}" ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${model.name}
fi
`;
}

function fishLine(model: CompletionModel, condition: string, o: CompletionOption): string {
  const parts = [`complete -c ${model.name} -n '${condition}'`];
  if (o.short) parts.push(`-s ${o.short.slice(1)}`);
  if (o.long) parts.push(`-l ${o.long.slice(2)}`);
  if (o.value.kind === 'choice') parts.push(`-x -a '${words(o.value.choices)}'`);
  else if (o.value.kind === 'file') parts.push('-r -F');
  else if (o.value.kind === 'word') parts.push('-x');
  parts.push(`-d '${o.summary}'`);
  return parts.join(' ');
}

function fishScript(model: CompletionModel): string {
  const names = model.commands.map((c) => c.name);
  const top = `not __fish_seen_subcommand_from ${words(names)}`;
  const lines = [
    `# fish completion for ${model.name}, generated from its own commands and options (${model.name} completion fish).`,
    `# Load it with: ${model.name} completion fish | source   (or save it as ~/.config/fish/completions/${model.name}.fish)`,
    `complete -c ${model.name} -f`,
    ...model.options.map((o) => fishLine(model, top, o)),
    ...model.commands.map((c) => `complete -c ${model.name} -n '${top}' -a ${c.name} -d '${c.summary}'`),
  ];
  for (const command of model.commands) {
    const condition = `__fish_seen_subcommand_from ${command.name}`;
    lines.push(...command.options.map((o) => fishLine(model, condition, o)));
    const arg = command.argument;
    if (arg.kind === 'choice') lines.push(`complete -c ${model.name} -n '${condition}' -x -a '${words(arg.choices)}'`);
    else if (arg.kind === 'file') lines.push(`complete -c ${model.name} -n '${condition}' -F`);
  }
  return `${lines.join('\n')}\n`;
}
