/**
 * The seed's problem collector: every check records `where: what is wrong` (with `file:line:col` when the seed
 * came from a file) and returns `undefined` for a value it could not accept, so one run reports every problem.
 */
import { isMap, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { satisfies, TAG_KEY, TAG_VALUE } from './names.js';
import { OMITTED_POLICY_PARAMETERS, POLICY_RANGES, type PasswordPolicy } from './passwords.js';
import { isoSeconds, type TagData } from './state.js';

/** Where in the seed: mapping keys and list indexes from the top, e.g. `['accounts', 1, 'users', 0, 'name']`. */
export type SeedPath = readonly (string | number)[];

/** 1-based, as editors count. */
export interface SeedPosition {
  line: number;
  col: number;
}

/** Finds a path in the seed's YAML: the key itself (`'key'`, for unknown fields) or its value. */
export type Locate = (path: SeedPath, part: 'key' | 'value') => SeedPosition | undefined;

/** A YAML mapping as plain JavaScript, before its fields are checked. */
export type Fields = Record<string, unknown>;

interface Problem {
  text: string;
  position: SeedPosition | undefined;
}

/** `accounts[1].users[0].name`; the empty path is the seed itself. */
export function pathText(path: SeedPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? 'seed' : text;
}

export class SeedChecker {
  private readonly problems: Problem[] = [];

  constructor(
    private readonly source: string,
    private readonly locate: Locate | undefined,
  ) {}

  get failed(): boolean {
    return this.problems.length > 0;
  }

  /** `at` names the YAML node to point at when it is not the value at `where` (an unknown key, say). */
  problem(where: SeedPath, what: string, at: { path: SeedPath; part: 'key' | 'value' } = { path: where, part: 'value' }): void {
    this.problems.push({ text: `${pathText(where)}: ${what}`, position: this.locate?.(at.path, at.part) });
  }

  /** Every problem, in file order when positions are known, as one message for the operator. */
  report(): string {
    const ordered = [...this.problems].sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.col ?? 0) - (b.position?.col ?? 0));
    const lines = ordered.map(({ text, position }) => `  - ${position ? `${this.source}:${position.line}:${position.col}: ` : ''}${text}`);
    const count = ordered.length === 1 ? '1 problem' : `${ordered.length} problems`;
    return `invalid sandbox seed ${this.source}: ${count}, nothing was started:\n${lines.join('\n')}`;
  }

  /** A mapping; with `allowed`, any other key is reported (catches misspelt fields). */
  object(value: unknown, where: SeedPath, allowed?: readonly string[]): Fields | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
      this.problem(where, value === undefined ? 'is required' : 'must be a mapping');
      return undefined;
    }
    if (allowed) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) this.problem(where, `unknown field "${key}" (expected one of: ${allowed.join(', ')})`, { path: [...where, key], part: 'key' });
      }
    }
    return value as Fields;
  }

  /** A list, or `[]` (with a problem) when it is something else; absent is `[]`. */
  list(value: unknown, where: SeedPath): unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    this.problem(where, 'must be a list');
    return [];
  }

  string(value: unknown, where: SeedPath): string | undefined {
    if (typeof value === 'string') return value;
    this.problem(where, value === undefined ? 'is required' : 'must be a string');
    return undefined;
  }

  optionalString(value: unknown, where: SeedPath): string | undefined {
    return value === undefined ? undefined : this.string(value, where);
  }

  boolean(value: unknown, where: SeedPath): boolean | undefined {
    if (value === undefined || typeof value === 'boolean') return value;
    this.problem(where, 'must be true or false');
    return undefined;
  }

  oneOf<T extends string>(value: unknown, where: SeedPath, choices: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    this.problem(where, `must be one of ${choices.join(', ')}`);
    return undefined;
  }

  integer(value: unknown, where: SeedPath, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(where, `must be a whole number from ${min} to ${max}`);
    return undefined;
  }

  date(value: unknown, where: SeedPath): string | undefined {
    if (value === undefined) return undefined;
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
    if (date && !Number.isNaN(date.getTime())) return isoSeconds(date);
    this.problem(where, 'must be an ISO 8601 timestamp such as 2025-01-10T09:00:00Z');
    return undefined;
  }

  /** 12 digits; YAML reads an unquoted ID as a number, which is accepted when it still has 12 digits. */
  accountId(value: unknown, where: SeedPath): string | undefined {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text === 'string' && /^\d{12}$/.test(text)) return text;
    this.problem(where, value === undefined ? 'is required' : 'must be a 12-digit account ID (quote it in YAML so leading zeros survive)');
    return undefined;
  }

  policy(value: unknown, where: SeedPath): PasswordPolicy | null {
    const fields = this.object(value, where, Object.keys(OMITTED_POLICY_PARAMETERS));
    if (!fields) return null;
    const policy: PasswordPolicy = { ...OMITTED_POLICY_PARAMETERS };
    for (const [key, raw] of Object.entries(fields)) {
      const name = key as keyof PasswordPolicy;
      const at = [...where, key];
      if (!(name in policy)) continue;
      if (name in POLICY_RANGES) {
        const { min, max } = POLICY_RANGES[name as keyof typeof POLICY_RANGES];
        if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max) (policy[name] as number) = raw;
        else this.problem(at, `must be a whole number from ${min} to ${max}${min === 1 ? ' (leave it out for "off")' : ''}`);
      } else if (typeof raw === 'boolean') {
        (policy[name] as boolean) = raw;
      } else {
        this.problem(at, 'must be true or false');
      }
    }
    return policy;
  }

  /** `{key: value}` tags with IAM's (and Organizations') rules: unique keys case-insensitively, at most `limit`. */
  tags(value: unknown, where: SeedPath, limit: number): TagData[] {
    if (value === undefined) return [];
    const fields = this.object(value, where);
    if (!fields) return [];
    const entries = Object.entries(fields);
    if (entries.length > limit) this.problem(where, `at most ${limit} tags`);
    const tags: TagData[] = [];
    const seen = new Set<string>();
    for (const [key, raw] of entries) {
      const at = [...where, key];
      if (!satisfies(key, TAG_KEY)) this.problem(at, `tag keys must be 1-128 characters of ${TAG_KEY.patternText}`, { path: at, part: 'key' });
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        this.problem(at, 'must be a string');
        continue;
      }
      const text = String(raw);
      if (!satisfies(text, TAG_VALUE)) this.problem(at, `tag values must be 0-256 characters of ${TAG_VALUE.patternText}`);
      if (seen.has(key.toLowerCase())) this.problem(at, 'tag keys are unique case-insensitively', { path: at, part: 'key' });
      seen.add(key.toLowerCase());
      tags.push({ key, value: text });
    }
    return tags;
  }
}

/** A `Locate` over a parsed YAML document: walks mappings by key and lists by index, as deep as the path exists. */
export function yamlLocator(document: Document.Parsed, lineCounter: LineCounter): Locate {
  return (path, part) => {
    let node: unknown = document.contents;
    let offset = (node as Node | null)?.range?.[0];
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      if (isMap(node)) {
        const pair = (node.items as Pair[]).find((item) => String((item.key as { value?: unknown } | null)?.value ?? item.key) === String(segment));
        if (!pair) break;
        const keyOffset = (pair.key as Node | null)?.range?.[0];
        if (i === path.length - 1 && part === 'key') {
          offset = keyOffset ?? offset;
          break;
        }
        node = pair.value;
        offset = (pair.value as Node | null)?.range?.[0] ?? keyOffset ?? offset;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        node = node.items[segment];
        offset = (node as Node | null)?.range?.[0] ?? offset;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
}
