/**
 * Turns a parsed YAML document into plain JSON-like data while remembering, for every value, where it is in the
 * source: the value's node and, for a map entry, its key. Validation errors (addressed by JSON pointer, as Ajv does)
 * are mapped back to a line and column through this index.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** Where one value of the data sits in the source. Offsets are 0-based character offsets into the source text. */
export interface Located {
  /** Start of the value; for an empty value (`key:`), the key's start. */
  valueOffset: number;
  /** Start of the key, when the value is a map entry. */
  keyOffset?: number;
  /** True when the source has no value at all here (`key:` with nothing after it). */
  empty: boolean;
  /** For a scalar, its text as written (`012345678901` even though YAML read it as a number). */
  text?: string;
}

export interface ConversionProblem {
  offset: number;
  pointer: string;
  message: string;
  hint: string;
}

export interface Converted {
  data: unknown;
  /** By JSON pointer (`''` is the root, `/users/alice/console` ...), escaped like Ajv's `instancePath`. */
  index: Map<string, Located>;
  problems: ConversionProblem[];
}

/** Upper bound on values produced, so alias expansion ("billion laughs") cannot blow up memory. */
const MAX_VALUES = 100_000;

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${escapePointerSegment(String(s))}`).join('');
}

export function segmentsOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isEmptyScalar(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && (node.source ?? '') === '');
}

function startOf(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return range[0];
  }
  return undefined;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Converts `doc.contents` into data plus a position index. The document must have no errors. */
export function convertDocument(doc: Document.Parsed, lineCounter: LineCounter): Converted {
  const index = new Map<string, Located>();
  const problems: ConversionProblem[] = [];
  const active = new Set<unknown>();
  let produced = 0;
  let tooLarge = false;

  const convert = (raw: unknown, pointer: string, fallbackOffset: number): unknown => {
    produced++;
    if (produced > MAX_VALUES) {
      if (!tooLarge) {
        tooLarge = true;
        problems.push({
          offset: fallbackOffset,
          pointer,
          message: `the document expands to more than ${MAX_VALUES} values`,
          hint: 'use fewer aliases (*name); a desired-state file is expected to be small',
        });
      }
      return null;
    }
    let node: unknown = raw;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) {
        problems.push({
          offset: startOf(node) ?? fallbackOffset,
          pointer,
          message: `unknown alias \`*${node.source}\``,
          hint: `define the anchor \`&${node.source}\` on a value before this alias, or write the value here`,
        });
        return null;
      }
      node = target;
    }
    if (active.has(node)) {
      problems.push({
        offset: startOf(raw) ?? fallbackOffset,
        pointer,
        message: 'an alias refers to a collection that contains it',
        hint: 'remove the recursive alias',
      });
      return null;
    }
    if (isMap(node)) {
      active.add(node);
      const out: Record<string, unknown> = {};
      const firstAt = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        let key: unknown = pair.key;
        const keyOffset = startOf(pair.key) ?? startOf(node) ?? fallbackOffset;
        if (isAlias(key)) key = key.resolve(doc);
        let name: string | null = null;
        if (isScalar(key)) {
          const v = key.value;
          if (typeof v === 'string') name = v;
          else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') name = String(v);
        }
        if (name === null) {
          problems.push({
            offset: keyOffset,
            pointer,
            message: isScalar(key) || key === null || key === undefined ? 'empty key' : 'a key must be a plain name, not a list or map',
            hint: 'write a name before the `:`',
          });
          continue;
        }
        const childPointer = `${pointer}/${escapePointerSegment(name)}`;
        const seen = firstAt.get(name);
        if (seen !== undefined) {
          problems.push({
            offset: keyOffset,
            pointer: childPointer,
            message: `duplicate key \`${name}\``,
            hint: `\`${name}\` is already set on line ${lineCounter.linePos(seen).line}; a key may appear only once in a map, so keep one of them`,
          });
          continue;
        }
        firstAt.set(name, keyOffset);
        const empty = isEmptyScalar(pair.value);
        const valueOffset = empty ? keyOffset : (startOf(pair.value) ?? keyOffset);
        index.set(childPointer, { valueOffset, keyOffset, empty });
        setOwn(out, name, empty ? null : convert(pair.value, childPointer, valueOffset));
      }
      active.delete(node);
      return out;
    }
    if (isSeq(node)) {
      active.add(node);
      const out: unknown[] = [];
      node.items.forEach((item, i) => {
        const childPointer = `${pointer}/${i}`;
        const empty = isEmptyScalar(item);
        const valueOffset = startOf(item) ?? startOf(node) ?? fallbackOffset;
        index.set(childPointer, { valueOffset, empty });
        out.push(empty ? null : convert(item, childPointer, valueOffset));
      });
      active.delete(node);
      return out;
    }
    if (isScalar(node)) {
      const located = index.get(pointer);
      if (located !== undefined && typeof node.source === 'string') located.text = node.source;
      const v = node.value;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Uint8Array) return null;
      return v;
    }
    return null;
  };

  const root = doc.contents as Node | null;
  const rootOffset = startOf(root) ?? 0;
  index.set('', { valueOffset: rootOffset, empty: isEmptyScalar(root) });
  const data = convert(root, '', rootOffset);
  return { data, index, problems };
}

/** 1-based line and column of a 0-based offset. */
export function lineColOf(lineCounter: LineCounter, offset: number): { line: number; col: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}
