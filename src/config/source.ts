/**
 * Turns a parsed YAML document into plain JSON-like data while remembering, for every value, where it is in the
 * source: the value's node and, for a map entry, its key. Validation errors (addressed by JSON pointer, as Ajv does)
 * are mapped back to a line and column through this index.
 */
import type { Alias, Document, Node, YAMLMap, YAMLSeq } from 'yaml';
import type { LinePositions } from './lines.js';
import { yamlLibrary } from './yaml-library.js';

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

/**
 * Aliases may expand a document to at most this many values, or twice its own number of nodes if that is more:
 * so expansion ("billion laughs") stays linear in the file's size, and a large file without aliases is never cut.
 */
const MAX_VALUES = 100_000;

/** Nesting allowed after aliases are expanded (a chain of aliases nests without any nesting in the text). */
const MAX_EXPANDED_DEPTH = 64;

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
  return node === null || node === undefined || (yamlLibrary().isScalar(node) && node.value === null && (node.source ?? '') === '');
}

function startOf(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return range[0];
  }
  return undefined;
}

/**
 * Sets an own property, also for the key `__proto__` (which plain assignment would take as the prototype). Only
 * that key needs defineProperty, which is much slower on a map of thousands of users.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

interface Anchors {
  /** The node each alias refers to: the last node with its anchor before it, in document order (as YAML says). */
  targets: Map<Alias, Node>;
  /** Nodes in the document, aliases not expanded. */
  nodes: number;
}

/**
 * Resolves every alias in one pass. (The library's `Alias.resolve` walks the whole document for each alias, which is
 * quadratic in a file with an alias per user.) Recursion depth is the document's, which the parser has bounded.
 */
function resolveAnchors(root: unknown): Anchors {
  const { isAlias, isMap, isSeq } = yamlLibrary();
  const targets = new Map<Alias, Node>();
  const byName = new Map<string, Node>();
  let nodes = 0;
  const walk = (node: unknown): void => {
    if (node === null || node === undefined) return;
    nodes++;
    if (isAlias(node)) {
      const target = byName.get(node.source);
      if (target !== undefined) targets.set(node, target);
      return;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (typeof anchor === 'string' && anchor !== '') byName.set(anchor, node as Node);
    if (isMap(node)) {
      for (const pair of node.items) {
        walk(pair.key);
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(root);
  return { targets, nodes };
}

/** The problem for a key seen before in the same map, with both positions (the plain reader says it the same way). */
export function duplicateKey(name: string, pointer: string, firstOffset: number, offset: number, lines: LinePositions): ConversionProblem {
  const first = lines.linePos(firstOffset);
  return {
    offset,
    pointer,
    message: `duplicate key \`${name}\` (first at ${first.line}:${first.col})`,
    hint: `a key may appear only once in a map: keep one of the two (lines ${first.line} and ${lines.linePos(offset).line})`,
  };
}

/** Converts `doc.contents` into data plus a position index. The document must have no errors. */
export function convertDocument(doc: Document.Parsed, lineCounter: LinePositions): Converted {
  return new DocumentConverter(doc.contents as Node | null, lineCounter).run();
}

/** One conversion: the index and problems it fills, and the bounds on what aliases may expand to. */
class DocumentConverter {
  private readonly yaml = yamlLibrary();
  private readonly index = new Map<string, Located>();
  private readonly problems: ConversionProblem[] = [];
  private readonly reported = new Set<string>();
  /** Collections being converted: an alias back into one of them is recursive. */
  private readonly active = new Set<unknown>();
  private readonly anchors: Anchors;
  private readonly maxValues: number;
  private produced = 0;
  private depth = 0;
  /** Each bound is reported once, where it was first reached. */
  private readonly exceeded = new Set<'values' | 'depth'>();

  constructor(
    private readonly root: Node | null,
    private readonly lines: LinePositions,
  ) {
    this.anchors = resolveAnchors(root);
    this.maxValues = Math.max(MAX_VALUES, 2 * this.anchors.nodes);
  }

  run(): Converted {
    const rootOffset = startOf(this.root) ?? 0;
    this.index.set('', { valueOffset: rootOffset, empty: isEmptyScalar(this.root) });
    const data = this.convert(this.root, '', rootOffset);
    return { data, index: this.index, problems: this.problems };
  }

  private report(p: ConversionProblem): void {
    // a map reached twice through aliases would report its problems twice
    const key = `${p.offset}\u0000${p.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push(p);
  }

  /** Converts one value within the bounds: at most `maxValues` values, nested at most `MAX_EXPANDED_DEPTH` deep. */
  private convert(raw: unknown, pointer: string, fallbackOffset: number): unknown {
    this.produced++;
    if (this.produced > this.maxValues) {
      if (this.exceeded.has('values')) return null;
      this.exceeded.add('values');
      this.report({
        offset: fallbackOffset,
        pointer,
        message: `aliases expand the document to more than ${this.maxValues} values`,
        hint: 'use fewer aliases (*name), or write the values out',
      });
      return null;
    }
    if (this.depth >= MAX_EXPANDED_DEPTH) {
      if (this.exceeded.has('depth')) return null;
      this.exceeded.add('depth');
      this.report({
        offset: startOf(raw) ?? fallbackOffset,
        pointer,
        message: `lists and maps are nested more than ${MAX_EXPANDED_DEPTH} levels deep here, counting what aliases bring in`,
        hint: 'a desired-state file needs at most 5 levels; use fewer aliases within aliases',
      });
      return null;
    }
    this.depth++;
    try {
      return this.convertNode(raw, pointer, fallbackOffset);
    } finally {
      this.depth--;
    }
  }

  private convertNode(raw: unknown, pointer: string, fallbackOffset: number): unknown {
    const { isAlias, isMap, isScalar, isSeq } = this.yaml;
    let node: unknown = raw;
    if (isAlias(node)) {
      const target = this.anchors.targets.get(node);
      if (target === undefined) {
        this.report({
          offset: startOf(node) ?? fallbackOffset,
          pointer,
          message: `unknown alias \`*${node.source}\``,
          hint: `define the anchor \`&${node.source}\` on a value before this alias, or write the value here`,
        });
        return null;
      }
      node = target;
    }
    if (this.active.has(node)) {
      this.report({ offset: startOf(raw) ?? fallbackOffset, pointer, message: 'an alias refers to a collection that contains it', hint: 'remove the recursive alias' });
      return null;
    }
    if (isMap(node) || isSeq(node)) {
      this.active.add(node);
      try {
        return isMap(node) ? this.convertMap(node, pointer, fallbackOffset) : this.convertSeq(node as YAMLSeq, pointer, fallbackOffset);
      } finally {
        this.active.delete(node);
      }
    }
    if (isScalar(node)) {
      const located = this.index.get(pointer);
      if (located !== undefined && typeof node.source === 'string') located.text = node.source;
      const v = node.value;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Uint8Array) return null;
      return v;
    }
    return null;
  }

  private convertMap(node: YAMLMap, pointer: string, fallbackOffset: number): Record<string, unknown> {
    const { isAlias, isPair, isScalar } = this.yaml;
    const out: Record<string, unknown> = {};
    const firstAt = new Map<string, number>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      let key: unknown = pair.key;
      const keyOffset = startOf(pair.key) ?? startOf(node) ?? fallbackOffset;
      if (isAlias(key)) key = this.anchors.targets.get(key);
      let name: string | null = null;
      if (isScalar(key)) {
        const v = key.value;
        if (typeof v === 'string') name = v;
        else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') name = String(v);
      }
      if (name === null) {
        this.report({
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
        this.report(duplicateKey(name, childPointer, seen, keyOffset, this.lines));
        continue;
      }
      firstAt.set(name, keyOffset);
      const empty = isEmptyScalar(pair.value);
      const valueOffset = empty ? keyOffset : (startOf(pair.value) ?? keyOffset);
      this.index.set(childPointer, { valueOffset, keyOffset, empty });
      setOwn(out, name, empty ? null : this.convert(pair.value, childPointer, valueOffset));
    }
    return out;
  }

  private convertSeq(node: YAMLSeq, pointer: string, fallbackOffset: number): unknown[] {
    return node.items.map((item, i) => {
      const childPointer = `${pointer}/${i}`;
      const empty = isEmptyScalar(item);
      const valueOffset = startOf(item) ?? startOf(node) ?? fallbackOffset;
      this.index.set(childPointer, { valueOffset, empty });
      return empty ? null : this.convert(item, childPointer, valueOffset);
    });
  }
}

/** 1-based line and column of a 0-based offset. */
export function lineColOf(lineCounter: LinePositions, offset: number): { line: number; col: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}
