/**
 * A problem found in the data, addressed by JSON pointer; load.ts turns it into a positioned Diagnostic.
 */
import type { Severity } from './diagnostics.js';
import { segmentsOf } from './source.js';

export interface Finding {
  severity: Severity;
  /** JSON pointer of the value concerned (`/users/alice/console`). */
  pointer: string;
  /** Point at the value itself, or at its key (unknown keys, bad names). */
  anchor: 'value' | 'key';
  message: string;
  hint?: string;
}

/** Reads the data at a JSON pointer; `undefined` when absent. */
export function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const seg of segmentsOf(pointer)) {
    if (Array.isArray(cur)) {
      cur = cur[Number(seg)];
    } else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, seg)) {
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return undefined;
    }
  }
  return cur;
}

const PLAIN_SEGMENT = /^[A-Za-z_$][\w$@+=,-]*$/;

/** `users.alice.console`, `scope.protected[1]`, `users["john.doe"].console`. */
export function dottedPath(pointer: string): string {
  let out = '';
  for (const seg of segmentsOf(pointer)) {
    if (/^\d+$/.test(seg) && out !== '' && isArrayContext(out)) out += `[${seg}]`;
    else if (PLAIN_SEGMENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The only lists in the format. */
function isArrayContext(pathSoFar: string): boolean {
  return pathSoFar === 'scope.protected';
}

/** How a value is shown after "got": strings quoted, empty values named. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return String(v);
}
