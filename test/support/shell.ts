/** Reading the shell of example workflows and manifests, to run the iampass commands in them as written. */

/** A small POSIX-shell reader: words (with quotes and $VAR expanded), and the operators between commands. */
export function shellCommands(script: string, vars: Record<string, string>): Array<{ words: string[]; stdoutTo?: { path: string; append: boolean } }> {
  type Token = { word: string } | { op: string };
  const tokens: Token[] = [];
  let i = 0;
  const expand = (): string => {
    const braced = script[i + 1] === '{';
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(script.slice(i + (braced ? 2 : 1)));
    if (!match) return script[i++] as string;
    i += match[0].length + (braced ? 3 : 1);
    const value = vars[match[0]];
    if (value === undefined) throw new Error(`the example uses $${match[0]}, which the test does not provide`);
    return value;
  };
  while (i < script.length) {
    const c = script[i] as string;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '\\' && script[i + 1] === '\n') { i += 2; continue; }
    if (c === '\n' || c === ';') { tokens.push({ op: ';' }); i++; continue; }
    const op = ['>>', '||', '&&', '>', '|'].find((o) => script.startsWith(o, i));
    if (op) { tokens.push({ op }); i += op.length; continue; }
    let word = '';
    while (i < script.length && !/[\s;|&>]/.test(script[i] as string)) {
      const ch = script[i] as string;
      if (ch === "'") {
        const end = script.indexOf("'", i + 1);
        word += script.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '"') {
        i++;
        while (script[i] !== '"') word += script[i] === '$' ? expand() : script[i++];
        i++;
      } else if (ch === '$') word += expand();
      else word += script[i++];
    }
    tokens.push({ word });
  }
  const commands: Array<{ words: string[]; stdoutTo?: { path: string; append: boolean } }> = [];
  let current: { words: string[]; stdoutTo?: { path: string; append: boolean } } = { words: [] };
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as Token;
    if ('word' in token) current.words.push(token.word);
    else if (token.op === '>' || token.op === '>>') {
      const target = tokens[++t];
      if (!target || !('word' in target)) throw new Error('a redirection without a target');
      current.stdoutTo = { path: target.word, append: token.op === '>>' };
    } else {
      if (current.words.length > 0) commands.push(current);
      current = { words: [] };
    }
  }
  if (current.words.length > 0) commands.push(current);
  return commands;
}

/** `iampass ...` or `npx [--no-install|--yes] iampass ...`: the arguments after `iampass`. */
export function iampassArgs(words: string[]): string[] | null {
  let rest = words;
  if (rest[0] === 'npx') rest = rest.slice(1).filter((w, idx, all) => !(w.startsWith('-') && all.indexOf('iampass') > idx));
  return rest[0] === 'iampass' ? rest.slice(1) : null;
}
