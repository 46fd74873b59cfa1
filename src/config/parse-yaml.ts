/**
 * YAML text to a document, in time and stack depth linear in the input. Two things the yaml library's own
 * `parseDocument` does not bound are bounded here: nesting (100,000 `[` exhaust the composer's stack or memory), so
 * the parse stops at a stated depth; and the duplicate-key check, which compares every key with every other key of
 * its map (a 20,000-user file took minutes), so it is switched off and done in one pass by the converter.
 */
import type { CST, Document } from 'yaml';
import type { Lines } from './lines.js';
import { yamlLibrary } from './yaml-library.js';
import type { YamlProblem } from './yaml-errors.js';

/** Lists and maps may nest this deep. The format itself needs five levels (users.NAME.password.generate.length). */
export const MAX_DEPTH = 64;

export type ParsedYaml = { ok: true; doc: Document.Parsed } | { ok: false; problem: YamlProblem };

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Parses one YAML document; refuses one nested deeper than `MAX_DEPTH` before building it. */
export function parseYaml(source: string, lineCounter: Pick<Lines, 'addNewLine'>): ParsedYaml {
  const { Composer, Lexer, Parser, YAMLParseError } = yamlLibrary();
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  lineCounter.addNewLine(0); // as Parser.parse() does before the first line
  for (const lexeme of new Lexer().lex(source)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // the parser's stack holds the open collections (and a few other tokens): count only when it could be too deep
    if (parser.stack.length > MAX_DEPTH && parser.stack.filter((t) => COLLECTIONS.has(t.type)).length > MAX_DEPTH) {
      return { ok: false, problem: tooDeep(Math.max(0, parser.offset - lexeme.length)) };
    }
  }
  for (const token of parser.end()) tokens.push(token);

  const composer = new Composer({ uniqueKeys: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, source.length)) {
    if (doc === undefined) {
      doc = next;
      continue;
    }
    doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
    break;
  }
  // compose(..., forceDoc) always yields a document, even for empty input
  return { ok: true, doc: doc as Document.Parsed };
}

function tooDeep(offset: number): YamlProblem {
  return {
    offset,
    message: `lists and maps are nested more than ${MAX_DEPTH} levels deep here`,
    hint: `a desired-state file needs at most 5 levels; look for \`[\` or \`{\` that are never closed`,
  };
}
