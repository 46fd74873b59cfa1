/**
 * A fast reader for the plain YAML that desired-state files are written in (and `iampass import` writes): block
 * maps and lists indented with spaces, one-line `{ }` and `[ ]` collections, plain and simple quoted scalars,
 * comments. It yields exactly what `parseYaml` followed by `convertDocument` yields (the same data, positions and
 * duplicate-key problems; a test compares the two on generated documents), several times faster, without loading
 * the yaml library: that builds tokens, a syntax tree and a document for every line (a 20,000-user validate took
 * 2.4 s of CPU that way, 0.7 s this way). Anything outside that subset (anchors, tags, block scalars, escapes,
 * multi-line values, anything YAML would report as an error) returns null, and the caller takes the full path.
 */
import type { LinePositions, Lines } from './lines.js';
import { duplicateKey, escapePointerSegment, setOwn, type ConversionProblem, type Converted, type Located } from './source.js';
import { MAX_DEPTH } from './parse-yaml.js';

/** Plain scalars resolved as the yaml library's core schema (YAML 1.2) does, in the same order. */
const CORE_TAGS: ReadonlyArray<{ test: RegExp; resolve: (s: string) => unknown }> = [
  { test: /^(?:~|[Nn]ull|NULL)?$/, resolve: () => null },
  { test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, resolve: (s) => s[0] === 't' || s[0] === 'T' },
  { test: /^0o[0-7]+$/, resolve: (s) => parseInt(s.substring(2), 8) },
  { test: /^[-+]?[0-9]+$/, resolve: (s) => parseInt(s, 10) },
  { test: /^0x[0-9a-fA-F]+$/, resolve: (s) => parseInt(s.substring(2), 16) },
  {
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY),
  },
  { test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, resolve: (s) => parseFloat(s) },
  { test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, resolve: (s) => parseFloat(s) },
];

function resolvePlain(text: string): unknown {
  for (const tag of CORE_TAGS) if (tag.test.test(text)) return tag.resolve(text);
  return text;
}

/**
 * A plain scalar this reader accepts: no character that could start or end something else (indicators, quotes,
 * brackets, `#`, `:`), nothing that makes YAML read it differently in a key, a value, a block or a flow.
 */
const PLAIN = /^[A-Za-z0-9_.~/+=$](?:[A-Za-z0-9_.~/+=$@^()<>; -]*[A-Za-z0-9_.~/+=$@^()<>;-])?$/;
/** In a block value (not a key, not in a flow) commas and apostrophes are plain text too. */
const BLOCK_PLAIN = /^[A-Za-z0-9_.~/+=$](?:[A-Za-z0-9_.~/+=$@^()<>;,' -]*[A-Za-z0-9_.~/+=$@^()<>;,'-])?$/;
const PLAIN_FLOW_END = /[,\]}]/;
/** YAML limits an implicit key to 1024 characters. */
const MAX_KEY_LENGTH = 1024;

/** A scalar read from the text, with where it starts and how it was written. */
interface Token {
  value: unknown;
  /** The text as written, without quotes (what the yaml library calls the scalar's source). */
  text: string;
  start: number;
}

class Bail extends Error {}

/** Thrown for anything outside the subset; caught once, at the top. */
function bail(): never {
  throw new Bail();
}

/** A block map or list still open, and how to store into it. */
interface Frame {
  indent: number;
  kind: 'map' | 'seq';
  pointer: string;
  /** Null while reading the value of a duplicate key, which is skipped (as the converter skips it). */
  target: Record<string, unknown> | unknown[] | null;
  firstAt: Map<string, number>;
}

/** A `key:` with nothing after it: its value is the block below it, if any, else null. */
interface Pending {
  frame: Frame;
  name: string;
  pointer: string;
  keyOffset: number;
  indent: number;
}

class PlainReader {
  readonly index = new Map<string, Located>();
  readonly problems: ConversionProblem[] = [];
  private readonly stack: Frame[] = [];
  private pending: Pending | null = null;
  private root: Record<string, unknown> | null = null;
  /** The line being read: its text and where it starts in the source. */
  private line = '';
  private lineStart = 0;

  constructor(
    private readonly source: string,
    private readonly lines: LinePositions,
  ) {}

  read(): Converted {
    const src = this.source;
    let start = 0;
    while (start <= src.length) {
      let end = src.indexOf('\n', start);
      if (end < 0) end = src.length;
      // a line break is \n or \r\n; a \r anywhere else (also at the very end) stays, and is declined
      const textEnd = end < src.length && end > start && src.charCodeAt(end - 1) === 13 ? end - 1 : end;
      this.readLine(start, src.slice(start, textEnd));
      start = end + 1;
    }
    this.settlePending(-1);
    if (this.root === null) bail();
    return { data: this.root, index: this.index, problems: this.problems };
  }

  private readLine(start: number, text: string): void {
    let indent = 0;
    while (text.charCodeAt(indent) === 32) indent++;
    const rest = text.slice(indent);
    if (rest === '' || rest[0] === '#') return;
    if (indent === 0 && /^(?:---|\.\.\.)(?:\s|$)/.test(rest)) bail();
    this.line = text;
    this.lineStart = start;
    const item = rest === '-' || rest.startsWith('- ');
    if (this.root === null) {
      if (indent !== 0 || item) bail();
      this.root = {};
      this.index.set('', { valueOffset: start, empty: false });
      this.stack.push({ indent: 0, kind: 'map', pointer: '', target: this.root, firstAt: new Map() });
    } else {
      this.open(indent, item);
    }
    const frame = this.stack[this.stack.length - 1] as Frame;
    if (frame.indent !== indent || (frame.kind === 'seq') !== item) bail();
    if (item) this.readItem(frame, indent);
    else this.readEntry(frame, indent);
  }

  /** Closes what the line's indentation ends and opens the block a pending key introduces. */
  private open(indent: number, item: boolean): void {
    const p = this.pending;
    if (p !== null && (indent > p.indent || (item && indent === p.indent && p.frame.kind === 'map'))) {
      this.pending = null;
      if (this.stack.length >= MAX_DEPTH) bail(); // the full path reports it
      const target = p.frame.target === null ? null : item ? [] : {};
      if (target !== null) {
        this.index.set(p.pointer, { valueOffset: this.lineStart + indent, keyOffset: p.keyOffset, empty: false });
        setOwn(p.frame.target as Record<string, unknown>, p.name, target);
      }
      this.stack.push({ indent, kind: item ? 'seq' : 'map', pointer: p.pointer, target, firstAt: new Map() });
      return;
    }
    this.settlePending(indent);
    let top = this.stack[this.stack.length - 1] as Frame;
    while (top.indent > indent || (top.kind === 'seq' && !item && top.indent === indent)) {
      this.stack.pop();
      top = this.stack[this.stack.length - 1] ?? bail();
    }
  }

  /** A pending key followed by nothing deeper has an empty value. */
  private settlePending(nextIndent: number): void {
    const p = this.pending;
    if (p === null) return;
    if (nextIndent > p.indent) bail();
    this.pending = null;
    if (p.frame.target === null) return;
    this.index.set(p.pointer, { valueOffset: p.keyOffset, keyOffset: p.keyOffset, empty: true });
    setOwn(p.frame.target as Record<string, unknown>, p.name, null);
  }

  private readEntry(frame: Frame, indent: number): void {
    const text = this.line;
    let pos = indent;
    const key = this.scalar(pos, 'block-key');
    pos = key.end;
    if (text[pos] !== ':' || (pos + 1 < text.length && text[pos + 1] !== ' ')) bail();
    pos = skipSpaces(text, pos + 1);
    const name = keyName(key.token);
    const keyOffset = key.token.start;
    const pointer = `${frame.pointer}/${escapePointerSegment(name)}`;
    const skip = frame.target === null || this.isDuplicate(frame, name, keyOffset, pointer);
    const owner: Frame = skip ? { ...frame, target: null } : frame;
    if (pos >= text.length || text[pos] === '#') {
      if (pos < text.length && text[pos - 1] !== ' ') bail();
      this.pending = { frame: owner, name, pointer, keyOffset, indent };
      return;
    }
    const value = this.value(pos, 0);
    this.endOfLine(value.end);
    if (skip) return;
    this.store(frame.target as Record<string, unknown>, name, pointer, value.data, keyOffset);
  }

  private readItem(frame: Frame, indent: number): void {
    const text = this.line;
    const pos = skipSpaces(text, indent + 1);
    if (pos >= text.length || text[pos] === '#' || text[pos] === '-' || text[pos] === '?') bail();
    // `- key: value` (a map in a list) is not in the format
    const value = this.value(pos, 0);
    this.endOfLine(value.end);
    if (frame.target === null) return;
    const list = frame.target as unknown[];
    const pointer = `${frame.pointer}/${list.length}`;
    this.record(pointer, value.data, undefined);
    list.push(value.data.value);
  }

  private isDuplicate(frame: Frame, name: string, keyOffset: number, pointer: string): boolean {
    const seen = frame.firstAt.get(name);
    if (seen === undefined) {
      frame.firstAt.set(name, keyOffset);
      return false;
    }
    this.problems.push(duplicateKey(name, pointer, seen, keyOffset, this.lines));
    return true;
  }

  private store(target: Record<string, unknown>, name: string, pointer: string, data: Value, keyOffset: number): void {
    this.record(pointer, data, keyOffset);
    setOwn(target, name, data.value);
  }

  /** Indexes a value and, for a flow collection, everything in it. */
  private record(pointer: string, data: Value, keyOffset: number | undefined): void {
    const located: Located = { valueOffset: data.start, empty: false };
    if (keyOffset !== undefined) located.keyOffset = keyOffset;
    if (data.text !== undefined) located.text = data.text;
    this.index.set(pointer, located);
    for (const [child, entry] of data.children ?? []) this.record(`${pointer}${child}`, entry.value, entry.keyOffset);
  }

  /** Only spaces and a comment may follow a value. */
  private endOfLine(pos: number): void {
    const text = this.line;
    const after = skipSpaces(text, pos);
    if (after >= text.length) return;
    if (text[after] !== '#' || after === pos) bail();
  }

  /** A value on this line: a scalar or a one-line flow collection. */
  private value(pos: number, depth: number): { data: Value; end: number } {
    const c = this.line[pos];
    if (c === '{' || c === '[') return this.flow(pos, depth + 1);
    const s = this.scalar(pos, depth === 0 ? 'block-value' : 'flow');
    return { data: { value: s.token.value, start: s.token.start, text: s.token.text }, end: s.end };
  }

  private flow(pos: number, depth: number): { data: Value; end: number } {
    if (depth + this.stack.length > MAX_DEPTH) bail();
    const text = this.line;
    const map = text[pos] === '{';
    const close = map ? '}' : ']';
    const out: Record<string, unknown> | unknown[] = map ? {} : [];
    const children: Array<[string, { value: Value; keyOffset?: number }]> = [];
    const firstAt = new Map<string, number>();
    const start = this.lineStart + pos;
    let p = skipSpaces(text, pos + 1);
    if (text[p] === close) return { data: { value: out, start, children }, end: p + 1 };
    for (;;) {
      if (map) {
        const key = this.scalar(p, 'flow');
        if (text[key.end] !== ':' || text[key.end + 1] !== ' ') bail();
        const name = keyName(key.token);
        const v = this.value(skipSpaces(text, key.end + 1), depth);
        // a key repeated in a one-line map is rare: the full path reports it
        if (firstAt.has(name)) bail();
        firstAt.set(name, key.token.start);
        setOwn(out as Record<string, unknown>, name, v.data.value);
        children.push([`/${escapePointerSegment(name)}`, { value: v.data, keyOffset: key.token.start }]);
        p = skipSpaces(text, v.end);
      } else {
        const v = this.value(p, depth);
        children.push([`/${(out as unknown[]).length}`, { value: v.data }]);
        (out as unknown[]).push(v.data.value);
        p = skipSpaces(text, v.end);
      }
      if (text[p] === close) return { data: { value: out, start, children }, end: p + 1 };
      if (text[p] !== ',') bail();
      p = skipSpaces(text, p + 1);
      if (text[p] === close || text[p] === ',') bail(); // a trailing or empty entry
    }
  }

  /** A scalar at `pos`: quoted (without escapes) or plain; `end` is just after it. */
  private scalar(pos: number, context: 'block-key' | 'block-value' | 'flow'): { token: Token; end: number } {
    const text = this.line;
    const start = this.lineStart + pos;
    const q = text[pos];
    if (q === '"' || q === "'") {
      const close = text.indexOf(q, pos + 1);
      if (close < 0) bail();
      const inner = text.slice(pos + 1, close);
      if (q === '"' && inner.includes('\\')) bail();
      if (q === "'" && text[close + 1] === "'") bail(); // '' is an escaped quote
      if (context !== 'block-value' && close - pos > MAX_KEY_LENGTH) bail();
      return { token: { value: inner, text: inner, start }, end: close + 1 };
    }
    let end: number;
    if (context === 'block-key') {
      end = text.indexOf(':', pos);
      if (end < 0) bail();
    } else if (context === 'flow') {
      const m = PLAIN_FLOW_END.exec(text.slice(pos));
      const colon = text.indexOf(': ', pos);
      end = m === null ? text.length : pos + m.index;
      if (colon >= 0 && colon < end) end = colon;
    } else {
      const comment = text.indexOf(' #', pos);
      end = comment < 0 ? text.length : comment;
    }
    const raw = text.slice(pos, end);
    const trimmed = raw.replace(/ +$/, '');
    if (!(context === 'block-value' ? BLOCK_PLAIN : PLAIN).test(trimmed)) bail();
    if (context !== 'block-value' && trimmed.length > MAX_KEY_LENGTH) bail();
    return { token: { value: resolvePlain(trimmed), text: trimmed, start }, end: pos + trimmed.length };
  }
}

/** A value read from one line, with the positions of what is in it (for a flow collection). */
interface Value {
  value: unknown;
  start: number;
  text?: string;
  children?: Array<[string, { value: Value; keyOffset?: number }]>;
}

/** A key's name as the converter forms it; a key that is not a plain name is left to the full path. */
function keyName(token: Token): string {
  const v = token.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return bail();
}

/**
 * Tabs, control characters, line separators and byte-order marks, and a CR that does not end a line: left to the yaml
 * library. One native scan of the whole text (a loop over each line's characters ran before the JIT had compiled it).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNUSUAL = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]|\r(?!\n)/;

function skipSpaces(text: string, pos: number): number {
  let p = pos;
  while (text.charCodeAt(p) === 32) p++;
  return p;
}

/**
 * The data and positions of `source` when it is plain YAML (see above), or null to take the full path. Adds the
 * start of every line to `lineCounter`, as the yaml parser would.
 */
export function convertPlainYaml(source: string, lineCounter: Pick<Lines, 'addNewLine' | 'linePos'>): Converted | null {
  lineCounter.addNewLine(0);
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  if (UNUSUAL.test(source)) return null;
  try {
    return new PlainReader(source, lineCounter).read();
  } catch (error) {
    if (error instanceof Bail) return null;
    throw error;
  }
}
