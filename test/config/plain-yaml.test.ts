import { readFileSync } from 'node:fs';
import { LineCounter } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/config/parse-yaml.js';
import { convertPlainYaml } from '../../src/config/plain-yaml.js';
import { convertDocument, type Converted } from '../../src/config/source.js';

/** The full path: the yaml library, then the converter. Null when YAML reports an error or warning. */
function fullPath(source: string): { converted: Converted; lines: number[] } | null {
  const lineCounter = new LineCounter();
  const parsed = parseYaml(source, lineCounter);
  if (!parsed.ok || parsed.doc.errors.length > 0 || parsed.doc.warnings.length > 0) return null;
  return { converted: convertDocument(parsed.doc, lineCounter), lines: lineCounter.lineStarts };
}

function fastPath(source: string): { converted: Converted; lines: number[] } | null {
  const lineCounter = new LineCounter();
  const converted = convertPlainYaml(source, lineCounter);
  return converted === null ? null : { converted, lines: lineCounter.lineStarts };
}

function comparable(r: { converted: Converted; lines: number[] }) {
  return {
    data: r.converted.data,
    index: [...r.converted.index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    problems: r.converted.problems,
    lines: r.lines,
  };
}

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = [
  'alice', 'Bob', 'true', 'False', 'TRUE', 'yes', 'no', 'null', 'Null', '~', '0', '-0', '+5', '012', '0o17', '0o8', '0x1F',
  '0xg', '1.5', '1.', '.5', '1e3', '1.5E-2', '.inf', '-.Inf', '.nan', '.NaN', 'x y', 'a-b', 'a_b', 'a.b', 'a@b', 'a=b', 'a+b',
  'a,b', "it's", '/staff/', 'a/b', 'IP101', '123456789012', '"quoted"', '"a: b"', '"#x"', "'single'", "'a, b'", '""', "''",
  '"x\\"y"', "'it''s'", '"é ü"', '"\u202e"', '&a x', '*a', '!tag x', '|', '>', '- x', '-', '? x', ': x', '@x', '`x', '%x',
  'a: b', 'a #c', 'a#c', '[x', '{x', 'x]', 'a  b', '-5', 'http://x', 'x:', '"x', "'x", '<< ', '%YAML',
];
const KEYS = ['alice', 'bob', 'console', 'version', '123', '"quoted key"', "'sq'", 'true', 'null', '~', '0x10', '1e2', '__proto__',
  'constructor', 'a b', 'a.b', 'x', 'x', 'y', '"x"', '-k', '?k', '"a:b"', '1.0', '.inf'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function flow(r: () => number, depth: number): string {
  const n = Math.floor(r() * 3);
  const inner = (): string => (depth < 2 && r() < 0.2 ? flow(r, depth + 1) : pick(r, SCALARS));
  if (r() < 0.6) {
    const entries = Array.from({ length: n }, () => `${pick(r, KEYS)}: ${inner()}`);
    return `{${r() < 0.8 ? ' ' : ''}${entries.join(r() < 0.8 ? ', ' : ',')}${r() < 0.8 ? ' ' : ''}}`;
  }
  return `[${Array.from({ length: n }, inner).join(', ')}]`;
}

/** Values as desired-state files have them. */
const COMMON = ['true', 'false', 'alice', '14', '90', '"123456789012"', '/staff/', 'ignore', 'disable', '"a reason: with a colon"', 'x y', "it's"];

function value(r: () => number): string {
  const x = r();
  if (x < 0.5) return pick(r, COMMON);
  if (x < 0.75) return pick(r, SCALARS);
  return flow(r, 0);
}

function comment(r: () => number): string {
  const x = r();
  return x < 0.15 ? '  # note: with "quotes" and a: colon' : x < 0.2 ? ' #x' : x < 0.22 ? '#x' : '';
}

function block(r: () => number, indent: number, depth: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    if (r() < 0.1) lines.push(r() < 0.5 ? '' : `${' '.repeat(Math.floor(r() * 4))}# a comment`);
    const key = pick(r, KEYS);
    const x = r();
    if (depth < 4 && x < 0.3) {
      lines.push(`${pad}${key}:${comment(r)}`);
      block(r, indent + 1 + Math.floor(r() * 3), depth + 1, lines);
    } else if (depth < 4 && x < 0.4) {
      lines.push(`${pad}${key}:`);
      const itemPad = ' '.repeat(r() < 0.4 ? indent : indent + 2);
      const items = 1 + Math.floor(r() * 3);
      for (let j = 0; j < items; j++) lines.push(`${itemPad}- ${value(r)}${comment(r)}`);
    } else if (x < 0.45) {
      lines.push(`${pad}${key}:${comment(r)}`); // an empty value
    } else {
      lines.push(`${pad}${key}: ${value(r)}${comment(r)}`);
    }
  }
}

/** A document mostly in the plain subset, sometimes just outside it (a tab, a stray indent, an odd character). */
function document(seed: number): string {
  const r = random(seed);
  const lines: string[] = [];
  if (r() < 0.2) lines.push('# header');
  block(r, 0, 0, lines);
  if (r() < 0.3) {
    const i = Math.floor(r() * lines.length);
    const mutations = [
      (l: string) => `\t${l}`,
      (l: string) => ` ${l}`,
      (l: string) => `${l} x`,
      (l: string) => l.replace(':', ''),
      (l: string) => `${l}\r`,
      (l: string) => l.replace(':', ' :'),
      (l: string) => l.replace(': ', ':  '),
      (l: string) => l.replace(': ', ':'),
      (l: string) => `${l}   `,
      (l: string) => `${l}#`,
      (l: string) => l.slice(1),
      (l: string) => `${l}\n${' '.repeat(1 + (l.length % 5))}extra`,
    ];
    lines[i] = pick(r, mutations)(lines[i] ?? '');
  }
  return lines.join(r() < 0.1 ? '\r\n' : '\n') + (r() < 0.8 ? '\n' : '');
}

describe('the plain YAML reader', () => {
  it('gives exactly what the yaml library and the converter give, or declines (3,000 generated documents)', () => {
    let accepted = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const source = document(seed);
      const fast = fastPath(source);
      if (fast === null) continue;
      accepted++;
      const full = fullPath(source);
      expect(full, `seed ${seed}: the reader accepted a document YAML rejects: ${JSON.stringify(source)}`).not.toBeNull();
      expect(comparable(fast), `seed ${seed}:\n${source}`).toEqual(comparable(full as NonNullable<typeof full>));
    }
    // the comparison means something only if the reader takes many of them
    expect(accepted).toBeGreaterThan(500);
  });

  it.each([
    ['the example configuration', readFileSync(new URL('../../examples/iampass.yaml', import.meta.url), 'utf8')],
    ['a file as the bench writes it', `version: 1\nscope: { pathPrefix: /bench/ }\nusers:\n  user-00000: { console: true }\n  user-00001: { console: false }\n`],
    ['block maps per user', 'version: 1\nusers:\n  alice:\n    console: true\n    password: { env: ALICE_PASSWORD }\n  bob:\n    console: false\n'],
  ])('reads %s (the common cases take the fast path)', (_, source) => {
    const fast = fastPath(source);
    expect(fast).not.toBeNull();
    expect(comparable(fast as NonNullable<typeof fast>)).toEqual(comparable(fullPath(source) as NonNullable<ReturnType<typeof fullPath>>));
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['an escape in a double-quoted string', 'a: "x\\ty"\n'],
    ['a multi-line plain value', 'a: one\n  two\n'],
    ['a flow map over two lines', 'a: { b: 1,\n  c: 2 }\n'],
    ['a tab', 'a:\n\tb: 1\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a list at the top level', '- a\n'],
    ['a duplicate key in a flow map', 'a: { b: 1, b: 2 }\n'],
    ['an empty file', ''],
  ])('declines %s (the full parser decides)', (_, source) => {
    expect(fastPath(source)).toBeNull();
  });
});
