import { describe, expect, it } from 'vitest';
import {
  formatDiagnostic,
  formatDiagnostics,
  hasErrors,
  sortDiagnostics,
  summarizeDiagnostics,
  type Diagnostic,
} from '../../src/config/diagnostics.js';

const d = (line: number, col: number, severity: Diagnostic['severity'] = 'error', hint?: string): Diagnostic => ({
  severity,
  file: 'iampass.yaml',
  line,
  col,
  message: `problem at ${line}:${col}`,
  ...(hint !== undefined ? { hint } : {}),
});

describe('formatDiagnostic', () => {
  it('prints file:line:col: severity: message', () => {
    expect(formatDiagnostic(d(3, 7))).toBe('iampass.yaml:3:7: error: problem at 3:7');
    expect(formatDiagnostic(d(1, 1, 'warning'))).toBe('iampass.yaml:1:1: warning: problem at 1:1');
  });

  it('adds the fix on a second line', () => {
    expect(formatDiagnostic(d(3, 7, 'error', 'do this'))).toBe('iampass.yaml:3:7: error: problem at 3:7\n  fix: do this');
  });

  it('prints a whole-file problem without a position', () => {
    expect(formatDiagnostic({ severity: 'error', file: 'x.yaml', line: 0, col: 0, message: 'file not found' })).toBe(
      'x.yaml: error: file not found',
    );
  });
});

describe('formatDiagnostics', () => {
  it('sorts by line then column, errors before warnings at one place, without mutating the input', () => {
    const input = [d(5, 1), d(2, 9, 'warning'), d(2, 9), d(2, 3, 'error', 'fix it')];
    expect(formatDiagnostics(input).split('\n')).toEqual([
      'iampass.yaml:2:3: error: problem at 2:3',
      '  fix: fix it',
      'iampass.yaml:2:9: error: problem at 2:9',
      'iampass.yaml:2:9: warning: problem at 2:9',
      'iampass.yaml:5:1: error: problem at 5:1',
    ]);
    expect(input[0]?.line).toBe(5);
    expect(sortDiagnostics(input).map((x) => x.line)).toEqual([2, 2, 2, 5]);
  });

  it('is empty for no diagnostics', () => {
    expect(formatDiagnostics([])).toBe('');
  });
});

describe('summarizeDiagnostics', () => {
  it('counts errors and warnings in a sentence', () => {
    expect(summarizeDiagnostics([d(1, 1), d(2, 1)])).toBe('2 errors in iampass.yaml');
    expect(summarizeDiagnostics([d(1, 1), d(2, 1, 'warning')])).toBe('1 error and 1 warning in iampass.yaml');
    expect(summarizeDiagnostics([d(1, 1, 'warning'), d(2, 1, 'warning')])).toBe('2 warnings in iampass.yaml');
    expect(summarizeDiagnostics([], 'iampass.yaml')).toBe('no problems in iampass.yaml');
    expect(summarizeDiagnostics([d(1, 1)], 'other.yaml')).toBe('1 error in other.yaml');
  });

  it('hasErrors ignores warnings', () => {
    expect(hasErrors([d(1, 1, 'warning')])).toBe(false);
    expect(hasErrors([d(1, 1, 'warning'), d(1, 2)])).toBe(true);
  });
});
