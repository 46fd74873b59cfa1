/**
 * YAML syntax errors and warnings in plain words, each at the place a person would fix it.
 */
import type { Document, YAMLError } from 'yaml';
import { yamlLibrary } from './yaml-library.js';

export interface YamlProblem {
  offset: number;
  message: string;
  hint?: string;
}

/** yaml's own message without the " at line N, column M:" suffix and the source excerpt prettyErrors adds. */
export function bareMessage(message: string): string {
  const first = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
  return first.length > 1 && first[1] === first[1]?.toLowerCase() ? first[0]?.toLowerCase() + first.slice(1) : first;
}

function unclosedQuote(err: YAMLError, doc: Document.Parsed): YamlProblem {
  // yaml reports the missing quote where the input ends; the quote to close is where the string starts
  let start: number | undefined;
  let quote = '"';
  const { visit } = yamlLibrary();
  visit(doc, {
    Scalar(_, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range && node.range[0] < err.pos[0] && node.range[1] >= err.pos[0]) {
        start = node.range[0];
        quote = node.type === 'QUOTE_DOUBLE' ? '"' : "'";
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (start === undefined && /'/.test(err.message.split(' at line')[0] ?? '')) quote = "'";
  return {
    offset: start ?? err.pos[0],
    message: `unclosed quote: this string has no closing \`${quote}\``,
    hint: `add the closing \`${quote}\` at the end of the value`,
  };
}

function explainYamlError(err: YAMLError, doc: Document.Parsed, source: string): YamlProblem {
  const offset = err.pos[0];
  const bare = bareMessage(err.message);
  switch (err.code) {
    case 'TAB_AS_INDENT':
      return { offset, message: 'tab used for indentation', hint: 'YAML indents with spaces only; replace the tab with spaces' };
    case 'BAD_INDENT':
      if (/same column/.test(bare)) {
        return {
          offset,
          message: 'bad indentation: this line does not line up with the keys of its map',
          hint: 'indent it with spaces to the same column as the keys next to it (or further, to nest it)',
        };
      }
      if (/Flow map/i.test(bare)) {
        return { offset, message: 'unclosed `{`: a `{ ... }` map must end with `}`', hint: 'add the missing `}`' };
      }
      if (/Flow sequence/i.test(bare)) {
        return { offset, message: 'unclosed `[`: a `[ ... ]` list must end with `]`', hint: 'add the missing `]`' };
      }
      return { offset, message: `bad indentation: ${bare}`, hint: 'indent nested keys with spaces, consistently' };
    case 'MISSING_CHAR':
      if (/quote/i.test(bare)) return unclosedQuote(err, doc);
      return { offset, message: bare };
    case 'MULTIPLE_DOCS':
      return {
        offset,
        message: 'the file holds more than one YAML document (a `---` line starts a second one)',
        hint: 'keep a single document: remove the `---` line and merge what follows into the first document',
      };
    case 'MULTILINE_IMPLICIT_KEY': {
      // `key: value` followed by a line indented deeper: YAML reads that line as part of the value
      const text = source.slice(err.pos[0], err.pos[1]);
      const lastLine = text.lastIndexOf('\n');
      if (lastLine < 0) return { offset, message: 'a key must fit on one line', hint: 'put the key and its `:` on the same line' };
      const indent = /^[ \t]*/.exec(text.slice(lastLine + 1))?.[0].length ?? 0;
      const keyName = text.slice(lastLine + 1 + indent);
      return {
        offset: err.pos[0] + lastLine + 1 + indent,
        message: `bad indentation: \`${keyName}\` is indented deeper than the key above it, so YAML reads it as part of that key's value`,
        hint: `line \`${keyName}\` up with the other keys of its map (or, to nest it, leave the key above without a value)`,
      };
    }
    case 'BLOCK_AS_IMPLICIT_KEY':
      return {
        offset,
        message: 'a `key: value` cannot be the value of another key on the same line',
        hint: 'put it on its own line, indented under its parent key, or write it as `{ key: value }`',
      };
    default:
      return { offset, message: bare };
  }
}

/** Every syntax error of the document, explained; one message per mistake. */
export function explainYamlErrors(doc: Document.Parsed, source: string): YamlProblem[] {
  const multiline = new Set(doc.errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY').map((e) => e.pos[0]));
  return doc.errors
    .filter((e) => !(e.code === 'BLOCK_AS_IMPLICIT_KEY' && multiline.has(e.pos[0])))
    .map((e) => explainYamlError(e, doc, source));
}

export function explainYamlWarning(warning: YAMLError): YamlProblem {
  const bare = bareMessage(warning.message);
  if (warning.code === 'TAG_RESOLVE_FAILED') {
    const tag = /tag:\s*(\S+)/.exec(bare)?.[1];
    return {
      offset: warning.pos[0],
      message: `${tag !== undefined ? `unknown tag \`${tag}\`` : bare}; the value is read as plain text`,
      hint: 'remove the tag: iampass uses no custom YAML tags',
    };
  }
  return { offset: warning.pos[0], message: bare };
}
