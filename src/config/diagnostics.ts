/**
 * Problems found in a desired-state file, in the shape compilers use (`file:line:col: error: message`) so editors
 * and terminals can jump to them. Pure: formatting only, no printing.
 */
import { printable } from '../util/printable.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  file: string;
  /** 1-based. 0 when the problem is about the file as a whole (e.g. it cannot be read). */
  line: number;
  /** 1-based. 0 when the problem is about the file as a whole. */
  col: number;
  /** What is wrong, in plain words. */
  message: string;
  /** How to fix it. */
  hint?: string;
  /** Where in the document, e.g. `users.alice.console`. Absent for problems about the whole file or its syntax. */
  path?: string;
}

/**
 * `file:line:col: error: message`, plus `  fix: hint` on a second line when there is a hint. A diagnostic about the
 * whole file (line 0) prints as `file: error: message`. Control and format characters from the file (an ANSI escape
 * or a bidi override in a key) are printed as escapes, never raw.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${printable(d.file)}:${d.line}:${d.col}` : printable(d.file);
  const head = `${where}: ${d.severity}: ${printable(d.message)}`;
  return d.hint === undefined ? head : `${head}\n  fix: ${printable(d.hint)}`;
}

/** Order by file, then line, then column; errors before warnings at the same place; otherwise stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.col !== b.col) return a.col - b.col;
  if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
  return 0;
}

/** A copy sorted with {@link compareDiagnostics}. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(compareDiagnostics);
}

/** Every diagnostic formatted, sorted by position, one after the other (no trailing newline). */
export function formatDiagnostics(ds: readonly Diagnostic[]): string {
  return sortDiagnostics(ds).map(formatDiagnostic).join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * One sentence counting the problems, e.g. `2 errors in iampass.yaml`, `1 error and 1 warning in iampass.yaml`,
 * `no problems in iampass.yaml`. `file` defaults to the files the diagnostics name.
 */
export function summarizeDiagnostics(ds: readonly Diagnostic[], file?: string): string {
  const errors = ds.filter((d) => d.severity === 'error').length;
  const warnings = ds.length - errors;
  const files = printable(file ?? ([...new Set(ds.map((d) => d.file))].join(', ') || 'the file'));
  const parts: string[] = [];
  if (errors > 0) parts.push(plural(errors, 'error'));
  if (warnings > 0) parts.push(plural(warnings, 'warning'));
  return parts.length === 0 ? `no problems in ${files}` : `${parts.join(' and ')} in ${files}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
