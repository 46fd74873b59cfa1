/**
 * One YAML source read into data with the position of every value (stage 1 of loading), and the way back from a
 * JSON pointer into that data to a `file:line:col`. Shared by account files, organization files and the section
 * files an organization file names, so every file is read by the same two readers under the same bounds.
 */
import type { Diagnostic, Severity } from './diagnostics.js';
import { dottedPath, type Finding } from './findings.js';
import { Lines, type LinePositions } from './lines.js';
import { parseYaml } from './parse-yaml.js';
import { convertPlainYaml } from './plain-yaml.js';
import { convertDocument, type ConversionProblem, type Converted, type Located } from './source.js';
import { explainYamlErrors, explainYamlWarning } from './yaml-errors.js';
import { yamlLibrary } from './yaml-library.js';
import type { SourcePosition } from '../model/desired.js';

/** Where positions come from, and the diagnostic for an offset. */
export interface Positions {
  at(offset: number): { line: number; col: number };
  diagnostic(severity: Severity, offset: number, message: string, hint?: string, path?: string): Diagnostic;
}

export function positionsOf(lineCounter: LinePositions, file: string): Positions {
  const at = (offset: number): { line: number; col: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  return {
    at,
    diagnostic: (severity, offset, message, hint, path) => ({
      severity,
      file,
      ...at(offset),
      message,
      ...(hint !== undefined ? { hint } : {}),
      ...(path !== undefined ? { path } : {}),
    }),
  };
}

/** What a source is: a desired-state file (account or organization), or one account's section in a file of its own. */
export type DocumentKind = 'file' | 'section';

export type ReadDocument =
  | { ok: true; converted: Converted; positions: Positions; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Stage 1, YAML: the data with its positions, or the syntax errors (then nothing else is checked: the structure is
 * not trustworthy). Plain files take the fast reader; anything else, or anything it doubts, the full parser.
 */
export function readDocument(source: string, file: string, kind: DocumentKind = 'file'): ReadDocument {
  return readPlainDocument(source, file) ?? readFullDocument(source, file, kind);
}

export function readPlainDocument(source: string, file: string): ReadDocument | null {
  const lineCounter = new Lines();
  const plain = convertPlainYaml(source, lineCounter);
  return plain === null ? null : { ok: true, converted: plain, positions: positionsOf(lineCounter, file), diagnostics: [] };
}

const EMPTY_HINT: Record<DocumentKind, string> = {
  file: 'start with `version: 1`, then the settings to manage (passwordPolicy, scope, users)',
  section: "write the account's settings (users, scope, passwordPolicy, ...), or `{}` for none beyond the baseline",
};

function notAMap(kind: DocumentKind, what: string): { message: string; hint: string } {
  return kind === 'file'
    ? {
        message: `the top level must be a map of settings (version, passwordPolicy, scope, defaults, users), got ${what}`,
        hint: 'start with `version: 1`, followed by the other settings as `key: value` lines',
      }
    : {
        message: `a section file holds one account's settings as a map (users, scope, passwordPolicy, ...), got ${what}`,
        hint: 'write the settings as `key: value` lines, e.g. `users:` followed by the users',
      };
}

export function readFullDocument(source: string, file: string, kind: DocumentKind = 'file'): ReadDocument {
  const lineCounter = new Lines();
  const positions = positionsOf(lineCounter, file);
  const { diagnostic } = positions;
  const parsed = parseYaml(source, lineCounter);
  if (!parsed.ok) return { ok: false, diagnostics: [diagnostic('error', parsed.problem.offset, parsed.problem.message, parsed.problem.hint)] };
  const { doc } = parsed;

  const diagnostics: Diagnostic[] = doc.warnings.map((w) => {
    const p = explainYamlWarning(w);
    return diagnostic('warning', p.offset, p.message, p.hint);
  });
  if (doc.errors.length > 0) {
    const seen = new Set<string>();
    for (const p of explainYamlErrors(doc, source)) {
      const d = diagnostic('error', p.offset, p.message, p.hint);
      const key = `${d.line}:${d.col}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(d);
    }
    return { ok: false, diagnostics };
  }

  const { isMap, isScalar } = yamlLibrary();
  const contents = doc.contents;
  const emptyRoot = contents === null || (isScalar(contents) && contents.value === null && (contents.source ?? '') === '');
  if (emptyRoot) {
    diagnostics.push({ severity: 'error', file, line: 1, col: 1, message: 'the file is empty', hint: EMPTY_HINT[kind] });
    return { ok: false, diagnostics };
  }

  const converted = convertDocument(doc, lineCounter);
  if (!isMap(contents)) {
    const rootAt = converted.index.get('')?.valueOffset ?? 0;
    const { message, hint } = notAMap(kind, Array.isArray(converted.data) ? 'a list' : 'a single value');
    diagnostics.push(diagnostic('error', rootAt, message, hint));
    return { ok: false, diagnostics };
  }
  return { ok: true, converted, positions, diagnostics };
}

/**
 * A file's data after stage 1, with what maps a pointer back to the file: the data, the index of positions, the
 * problems conversion found. `dir` is where relative paths written in it resolve.
 */
export interface SourceDoc {
  file: string;
  dir: string;
  data: unknown;
  index: Map<string, Located>;
  positions: Positions;
  problems: readonly ConversionProblem[];
}

/** The located value at `pointer`, or of the nearest enclosing value the index knows. */
export function locate(doc: SourceDoc, pointer: string): Located | undefined {
  let p = pointer;
  for (;;) {
    const l = doc.index.get(p);
    if (l !== undefined || p === '') return l;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

export function offsetOf(l: Located, anchor: 'key' | 'value'): number {
  return anchor === 'key' ? (l.keyOffset ?? l.valueOffset) : l.valueOffset;
}

/** The line of the key (or value) at exactly `pointer`. */
export function lineOf(doc: SourceDoc, pointer: string): number | undefined {
  const l = doc.index.get(pointer);
  return l === undefined ? undefined : doc.positions.at(offsetOf(l, 'key')).line;
}

/** The source text of the scalar at exactly `pointer`, as written. */
export function textOf(doc: SourceDoc, pointer: string): string | undefined {
  return doc.index.get(pointer)?.text;
}

/** The position of exactly `pointer`, for the model's display-only `at` fields. */
export function positionOf(doc: SourceDoc, pointer: string, anchor: 'key' | 'value'): SourcePosition | undefined {
  const l = doc.index.get(pointer);
  if (l === undefined) return undefined;
  return { file: doc.file, ...doc.positions.at(offsetOf(l, anchor)) };
}

export function pathOrUndefined(pointer: string): string | undefined {
  return pointer === '' ? undefined : dottedPath(pointer);
}

/** A finding about `pointer` of `doc` as a positioned diagnostic. `message` replaces the finding's when given. */
export function diagnosticOf(doc: SourceDoc, f: Finding, pointer = f.pointer, message = f.message): Diagnostic {
  const l = locate(doc, pointer);
  const offset = l === undefined ? 0 : offsetOf(l, f.anchor);
  return doc.positions.diagnostic(f.severity, offset, message, f.hint, pathOrUndefined(pointer));
}

/**
 * Conversion problems, then findings, as diagnostics; a finding about a value that could not be read is left out
 * (the conversion problem already explains it).
 */
export function diagnosticsOf(doc: SourceDoc, findings: readonly Finding[]): Diagnostic[] {
  const out = doc.problems.map((p) => doc.positions.diagnostic('error', p.offset, p.message, p.hint, pathOrUndefined(p.pointer)));
  const unconverted = new Set(doc.problems.map((p) => p.pointer));
  for (const f of findings) if (!unconverted.has(f.pointer)) out.push(diagnosticOf(doc, f));
  return out;
}

