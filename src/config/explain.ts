/**
 * Translates Ajv's structural errors into plain-words findings: one useful message per problem, anchored at the
 * offending value (or key), with a fix. Raw Ajv wording never reaches the user.
 */
import type { AnySchemaObject, ErrorObject } from 'ajv/dist/2020.js';
import { ACCOUNT_ADVISORIES, isAccountAdvisory, isUserAdvisory, USER_ADVISORIES } from '../model/advisory-ids.js';
import { describeValue, dottedPath, valueAt, type Finding } from './findings.js';
import { escapePointerSegment, segmentsOf } from './source.js';
import { closestMatch } from '../util/suggest.js';
import { POLICY_FIELDS } from '../model/policy.js';

export interface ExplainContext {
  data: unknown;
  /**
   * What the data is: a desired-state file (an account file, or an organization file whose `accounts` sections are
   * explained as sections), or one account's section in a file of its own.
   */
  kind?: 'file' | 'section';
  /** Line of the value at a pointer, for "also on line N". */
  lineOf(pointer: string): number | undefined;
  /** The source text of a scalar value as written (e.g. `012345678901` before YAML made it a number). */
  textOf(pointer: string): string | undefined;
}

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

function jsonTypeOf(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  return 'object';
}

function typeMatches(schemaType: unknown, v: unknown): boolean {
  const actual = jsonTypeOf(v);
  const types = Array.isArray(schemaType) ? schemaType : [schemaType];
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

/**
 * Lookup tables keyed by words from the file are built without a prototype, so a key named `__proto__`,
 * `constructor` or `toString` finds nothing instead of Object's own members.
 */
function table(entries: Record<string, string>): Readonly<Record<string, string | undefined>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, string>, entries));
}

const TYPE_WORDS = table({
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  object: 'a map',
  array: 'a list',
  null: 'empty',
});

const POLICY_KEYS: readonly string[] = POLICY_FIELDS;
const SCOPE_KEYS = ['pathPrefix', 'tags', 'unlisted', 'protected'];
const ADVISORY_KEYS = ['unusedDays', 'expiringWithinDays', 'failOn'];

/** Where a key belongs when it is written in the wrong map. */
const HOME_OF = table({
  ...Object.fromEntries(POLICY_KEYS.map((k) => [k, 'passwordPolicy'])),
  ...Object.fromEntries(SCOPE_KEYS.map((k) => [k, 'scope'])),
  ...Object.fromEntries(ADVISORY_KEYS.map((k) => [k, 'advisories'])),
  acknowledge: 'a user (`users.NAME.acknowledge`), or `advisories.acknowledge` for warnings about the account',
  targets: 'organization (`organization: { targets: { all: true } }`)',
  roleName: 'organization, or an account section under `accounts:` to override it there',
  externalId: 'organization, or an account section under `accounts:` to override it there',
  ...Object.fromEntries(['all', 'ous', 'exclude', 'includeManagement'].map((k) => [k, 'organization.targets'])),
  passwordResetRequired: 'defaults (or a user)',
  console: 'a user under users',
});

const USER_NAME_CHARS = /[\w+=,.@-]/;
const TAG_CHARS = /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u;

const TARGET_LISTS = new Set(['ous', 'accounts', 'exclude']);

/** The pointer with user names, tag keys, account ids and list indices replaced by `*`, to look up per-field wording. */
function patternOf(segs: readonly string[]): string {
  const s = [...segs];
  if (s[0] === 'users' && s.length >= 2) s[1] = '*';
  if (s[0] === 'users' && s[2] === 'acknowledge' && s.length >= 4) s[3] = '*';
  if (s[0] === 'advisories' && s[1] === 'acknowledge' && s.length >= 3) s[2] = '*';
  if (s[0] === 'scope' && (s[1] === 'tags' || s[1] === 'protected') && s.length >= 3) s[2] = '*';
  if (s[0] === 'accounts' && s.length >= 2) s[1] = '*';
  const inTargets = s[0] === 'organization' && s[1] === 'targets' && s.length >= 4;
  if (inTargets && (s[2] === 'tags' || TARGET_LISTS.has(s[2] ?? ''))) s[3] = '*';
  return s.map((x) => `/${x}`).join('');
}

function labelOf(segs: readonly string[]): string {
  const pattern = patternOf(segs);
  if (segs.length === 0) return 'the file';
  if (pattern === '/users/*') return `user ${segs[1]}`;
  if (pattern === '/scope/tags/*' || pattern === '/organization/targets/tags/*') return `the value of tag \`${segs[segs.length - 1]}\``;
  if (pattern === '/scope/protected/*') return `scope.protected item ${Number(segs[2]) + 1}`;
  if (/^\/organization\/targets\/(ous|accounts|exclude)\/\*$/.test(pattern)) return `organization.targets.${segs[2]} item ${Number(segs[3]) + 1}`;
  if (pattern === '/accounts/*') return `the section of account ${segs[1]}`;
  return segs[segs.length - 1] ?? '';
}

/** Where an inline account section is, for messages about what is in it. */
interface SectionBase {
  account: string;
}

/** "at the top level", "in passwordPolicy", "for user alice"; in an inline section, "... of account 222222222222". */
function whereOf(segs: readonly string[], base?: SectionBase): string {
  if (base !== undefined && segs.length === 0) return `in the section of account ${base.account}`;
  const suffix = base === undefined ? '' : ` of account ${base.account}`;
  if (segs.length === 0) return 'at the top level';
  if (patternOf(segs) === '/users/*') return `for user ${segs[1]}${suffix}`;
  return `in ${dottedPath(segs.map((s) => `/${escapePointerSegment(s)}`).join(''))}${suffix}`;
}

/** Keys only the organization file itself has, when written in an account section. */
const SECTION_MISPLACED = table({
  version: 'a section has no `version`: it is part of the organization file that names it, which has one',
  account: 'a section belongs to the account whose id is its key under `accounts:` in the organization file; remove `account`',
  organization: '`organization` goes in the organization file; a section may set `roleName` and `externalId` for its account',
  accounts: 'sections do not nest: `accounts` goes in the organization file',
});

function code(s: unknown): string {
  return `\`${String(s)}\``;
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} or ${items[1]}`;
  return `one of ${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function badChars(s: string, allowed: RegExp): string {
  const bad = [...new Set([...s].filter((c) => !allowed.test(c)))];
  return bad.map((c) => (c === ' ' ? 'spaces' : c === '\t' ? 'tabs' : code(c))).join(', ');
}

export function userNameProblem(name: string): string {
  if (name.length === 0) return 'a user name cannot be empty';
  if (name.length > 64) return `IAM user names are at most 64 characters (this one has ${name.length})`;
  return `IAM user names may only contain letters, digits and + = , . @ _ - (not ${badChars(name, USER_NAME_CHARS)})`;
}

function tagTextProblem(s: string): string {
  return `tags may only contain letters, digits, spaces and _ . : / = + - @ (not ${badChars(s, TAG_CHARS)})`;
}

const RANGE_HINTS = table({
  '/passwordPolicy/minimumLength': 'use a length from 6 to 128',
  '/passwordPolicy/maxAgeDays': 'use 1 to 1095 days, or leave maxAgeDays out so passwords never expire',
  '/passwordPolicy/reusePrevention': 'use 1 to 24, or leave reusePrevention out to allow reusing passwords',
});

const NULL_HINTS = table({
  '/users': 'write `users: {}` to list no users, or remove the key',
  '/scope': 'put settings under `scope:`, or remove the key',
  '/defaults': 'put settings under `defaults:`, or remove the key',
  '/scope/tags': 'write `tags: {}`, or remove the key',
  '/scope/protected': 'write `protected: []`, or remove the key',
  '/scope/pathPrefix': 'write a path such as `/staff/`, or remove the key',
  '/scope/unlisted': 'write `ignore` or `disable`, or remove the key',
  '/passwordPolicy/maxAgeDays': 'leave maxAgeDays out so passwords never expire, or give a number of days',
  '/passwordPolicy/reusePrevention': 'leave reusePrevention out to allow reusing passwords, or give a number',
  '/users/*/acknowledge/*': 'write why the warning is accepted, e.g. `IP103: "hardware key on order"`, or remove the key',
  '/advisories/acknowledge/*': 'write why the warning is accepted, e.g. `IP105: "agreed with security until the SSO move"`, or remove the key',
  '/advisories': 'put settings under `advisories:`, or remove the key',
  '/passwordPolicy':
    'leave passwordPolicy out to not manage the policy, write `passwordPolicy: default` for the AWS default policy, or list the policy settings under it',
});

const TYPE_OVERRIDES = table({
  '/users': 'a map of user names to settings',
  '/scope/tags': 'a map of tag keys to values',
  '/scope/protected': 'a list of user names',
});

interface Translated {
  pointer: string;
  anchor: 'value' | 'key';
  message: string;
  hint?: string;
}

class Explainer {
  /** The explainer of each inline section (`accounts.ID` in an organization file), by account id. */
  private readonly sections = new Map<string, Explainer>();

  constructor(
    private readonly ctx: ExplainContext,
    private readonly base?: SectionBase,
  ) {}

  private get inSection(): boolean {
    return this.base !== undefined || this.ctx.kind === 'section';
  }

  explain(errors: readonly ErrorObject[]): Finding[] {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const e of this.prune(errors)) {
      const t = this.translateInPlace(e);
      const key = `${t.pointer}\u0000${t.anchor}\u0000${t.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ severity: 'error', ...t });
    }
    return out;
  }

  /**
   * An error within an inline account section is explained as a section's error (the same words as in a section
   * file), then addressed back into the file: `accounts/ID` + the pointer within the section.
   */
  private translateInPlace(e: ErrorObject): Translated {
    const section = this.ctx.kind === 'section' || this.base !== undefined ? null : sectionOf(e);
    if (section === null) return this.translate(e);
    const prefix = `/accounts/${escapePointerSegment(section)}`;
    let inner = this.sections.get(section);
    if (inner === undefined) {
      const { data, lineOf, textOf } = this.ctx;
      inner = new Explainer(
        { data: valueAt(data, prefix), kind: 'section', lineOf: (p) => lineOf(prefix + p), textOf: (p) => textOf(prefix + p) },
        { account: section },
      );
      this.sections.set(section, inner);
    }
    const t = inner.translate({ ...e, instancePath: e.instancePath.slice(prefix.length) });
    return { ...t, pointer: prefix + t.pointer };
  }

  /**
   * Keeps the errors worth showing: see `pruneOneOf`. Errors raised by `propertyNames` on the key itself are left to
   * the `propertyNames` error.
   */
  private prune(errors: readonly ErrorObject[]): ErrorObject[] {
    let kept = pruneOneOf(errors);
    // A key rejected by `propertyNames` is explained once, by the `propertyNames` error, not by its inner keyword.
    kept = kept.filter((x) => (x as ErrorObject & { propertyName?: string }).propertyName === undefined || x.keyword === 'propertyNames');
    kept = kept.filter((x) => {
      if (!['pattern', 'minLength', 'maxLength', 'format'].includes(x.keyword)) return true;
      const v = valueAt(this.ctx.data, x.instancePath);
      return !(v !== null && typeof v === 'object' && !Array.isArray(v));
    });
    // A value of the wrong type: that is the one thing to say about it (not also "must be 1").
    const wrongType = new Set(kept.filter((x) => x.keyword === 'type').map((x) => x.instancePath));
    kept = kept.filter((x) => x.keyword === 'type' || !wrongType.has(x.instancePath));
    // A misspelt required key (`minimum_length`) is one problem, reported as the unknown key with its suggestion.
    const suggested = new Set<string>();
    for (const x of kept) {
      if (x.keyword !== 'additionalProperties') continue;
      const allowed = Object.keys(((x.parentSchema ?? {}) as AnySchemaObject).properties ?? {});
      const close = closestMatch(String((x.params as Record<string, unknown>).additionalProperty), allowed);
      if (close !== undefined) suggested.add(`${x.instancePath}\u0000${close}`);
    }
    return kept.filter(
      (x) =>
        x.keyword !== 'required' ||
        !suggested.has(`${x.instancePath}\u0000${String((x.params as Record<string, unknown>).missingProperty)}`),
    );
  }

  private translate(e: ErrorObject): Translated {
    const pointer = e.instancePath;
    const segs = segmentsOf(pointer);
    const pattern = patternOf(segs);
    const value = valueAt(this.ctx.data, pointer);
    const label = labelOf(segs);
    const got = describeValue(value);
    const parent = (e.parentSchema ?? {}) as AnySchemaObject;
    const params = e.params as Record<string, unknown>;

    switch (e.keyword) {
      case 'additionalProperties':
        return this.unknownKey(segs, String(params.additionalProperty), parent);

      case 'required': {
        const missing = String(params.missingProperty);
        if (pattern === '/users/*' && missing === 'console') {
          return {
            pointer,
            anchor: 'value',
            message: `user ${segs[1]} needs \`console: true\` or \`console: false\``,
            hint: '`console: true` gives the user a console password; `console: false` removes it',
          };
        }
        if (segs.length === 0 && missing === 'version') {
          return { pointer, anchor: 'value', message: 'missing `version`', hint: 'add `version: 1` as the first line' };
        }
        if (pattern === '/organization' && missing === 'targets') {
          return {
            pointer,
            anchor: 'value',
            message: 'organization needs `targets`: which accounts of the organization this file governs',
            hint: 'add e.g. `targets: { all: true }`, or `targets: { ous: [ou-...] }`, `accounts: ["111111111111"]`, `tags: { env: prod }`',
          };
        }
        if (pattern === '/passwordPolicy' && missing === 'minimumLength') {
          return {
            pointer,
            anchor: 'value',
            message: 'passwordPolicy needs `minimumLength`',
            hint: 'add e.g. `minimumLength: 14` (IAM accepts 6 to 128), or write `passwordPolicy: default` for the AWS default policy',
          };
        }
        return { pointer, anchor: 'value', message: `missing ${code(missing)} ${whereOf(segs, this.base)}`, hint: `add ${code(`${missing}:`)}` };
      }

      case 'propertyNames': {
        const name = String(params.propertyName);
        const child = `${pointer}/${escapePointerSegment(name)}`;
        if (pattern === '/users/*/acknowledge' || pattern === '/advisories/acknowledge') {
          return this.unknownWarningId(segs, pointer, name);
        }
        if (pattern === '/accounts') return { pointer: child, anchor: 'key', message: `invalid account id ${code(name)}`, hint: accountIdHint(name, 'key') };
        if (pattern === '/scope/tags' || pattern === '/organization/targets/tags') {
          if (name.length === 0) return { pointer: child, anchor: 'key', message: 'empty tag key', hint: 'tag keys are 1 to 128 characters' };
          if (name.length > 128) {
            return {
              pointer: child,
              anchor: 'key',
              message: `tag key is ${name.length} characters long; IAM allows at most 128`,
              hint: 'use the tag key exactly as it is set on the users',
            };
          }
          return { pointer: child, anchor: 'key', message: `invalid tag key ${code(name)}`, hint: tagTextProblem(name) };
        }
        return { pointer: child, anchor: 'key', message: `invalid IAM user name ${code(name)}`, hint: userNameProblem(name) };
      }

      case 'type':
        return this.wrongType(segs, pointer, value, String(params.type));

      case 'oneOf': {
        const branches = (Array.isArray(e.schema) ? e.schema : []) as AnySchemaObject[];
        const alternatives = orList(branches.map(describeBranch));
        let hint = value === null || value === undefined ? NULL_HINTS[pattern] : undefined;
        if (pattern === '/accounts/*') {
          return {
            pointer,
            anchor: 'value',
            message: `${label} must be a map of settings, or the path of a file that holds one, got ${got}`,
            hint: `write the settings under \`"${segs[1]}":\` (e.g. \`users: { alice: { console: true } }\`), or a path relative to this file such as \`accounts/${segs[1]}.yaml\``,
          };
        }
        if (pattern === '/users/*/password' && typeof value !== 'object') {
          return {
            pointer,
            anchor: 'value',
            message: 'passwords never go in this file',
            hint: 'reference one with `password: { env: NAME }` or `password: { file: PATH }`, or leave password out to have iampass generate it',
          };
        }
        if (pattern === '/users/*/password') {
          return { pointer, anchor: 'value', message: `${label} takes exactly one of \`generate\`, \`env\` or \`file\``, hint: 'e.g. `password: { env: ALICE_PASSWORD }`' };
        }
        if (pattern === '/passwordPolicy' && hint === undefined) {
          hint =
            '`default` is the only word accepted here (the AWS default policy); for a custom policy list its settings, e.g. `passwordPolicy: { minimumLength: 14 }`';
        }
        return { pointer, anchor: 'value', message: `${label} must be ${alternatives}, got ${got}`, ...(hint ? { hint } : {}) };
      }

      case 'const': {
        if (pattern === '/version') {
          return {
            pointer,
            anchor: 'value',
            message: `version must be 1, got ${got}`,
            hint: 'this iampass reads format version 1; set `version: 1`',
          };
        }
        return { pointer, anchor: 'value', message: `${label} must be ${code(params.allowedValue)}, got ${got}` };
      }

      case 'enum': {
        const allowed = (Array.isArray(params.allowedValues) ? params.allowedValues : []).map(String);
        const close = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
        let hint = close !== undefined ? `did you mean ${code(close)}?` : `use ${orList(allowed.map(code))}`;
        if (pattern === '/scope/unlisted' && close === undefined) {
          hint = '`ignore` leaves users not listed under users alone; `disable` deletes their console password';
        }
        return { pointer, anchor: 'value', message: `${label} must be ${orList(allowed.map(code))}, got ${got}`, hint };
      }

      case 'minimum':
      case 'maximum': {
        const min = parent.minimum as number | undefined;
        const max = parent.maximum as number | undefined;
        const range =
          min !== undefined && max !== undefined
            ? `between ${min} and ${max}`
            : min !== undefined
              ? `at least ${min}`
              : `at most ${String(max)}`;
        return {
          pointer,
          anchor: 'value',
          message: `${label} must be ${range}, got ${got}`,
          hint: RANGE_HINTS[pattern] ?? `use a value ${range}`,
        };
      }

      case 'maxLength':
      case 'minLength': {
        if (pattern === '/accounts/*') {
          return { pointer, anchor: 'value', message: `${label} is an empty path`, hint: `give the path of the section's file, relative to this file, e.g. \`accounts/${segs[1]}.yaml\`` };
        }
        if (pattern === '/users/*/acknowledge/*' || pattern === '/advisories/acknowledge/*') {
          if (e.keyword === 'minLength') return this.badPattern(pattern, pointer, label, value);
          return {
            pointer,
            anchor: 'value',
            message: `the reason for acknowledging ${label} is ${typeof value === 'string' ? [...value].length : 0} characters long; at most ${Number(params.limit)} are allowed`,
            hint: 'say why in a sentence; link to a ticket for the details',
          };
        }
        const n = typeof value === 'string' ? [...value].length : 0;
        const limit = Number(params.limit);
        const what = e.keyword === 'maxLength' ? `at most ${limit}` : `at least ${limit}`;
        const hint = pattern === '/scope/tags/*' ? 'use the tag value exactly as it is set on the users' : undefined;
        return {
          pointer,
          anchor: 'value',
          message: `${label} is ${n} characters long; IAM allows ${what}`,
          ...(hint ? { hint } : {}),
        };
      }

      case 'pattern':
        return this.badPattern(pattern, pointer, label, value);

      case 'uniqueItems': {
        const i = Number(params.i);
        const j = Number(params.j);
        const later = Math.max(i, j);
        const earlier = Math.min(i, j);
        const item = `${pointer}/${later}`;
        const line = this.ctx.lineOf(`${pointer}/${earlier}`);
        return {
          pointer: item,
          anchor: 'value',
          message: `${code(valueAt(this.ctx.data, item))} is listed twice in ${dottedPath(pointer)}`,
          hint: line !== undefined ? `remove one of them (the other is on line ${line})` : 'remove one of them',
        };
      }

      default:
        // Not produced by the current schema; keep it readable rather than silent.
        return { pointer, anchor: 'value', message: `${label} is not valid here (${e.keyword}), got ${got}` };
    }
  }

  private unknownKey(segs: readonly string[], key: string, parent: AnySchemaObject): Translated {
    const pointer = `${segs.map((s) => `/${escapePointerSegment(s)}`).join('')}/${escapePointerSegment(key)}`;
    const allowed = Object.keys((parent.properties ?? {}) as object);
    const where = whereOf(segs, this.base);
    const message = `unknown key ${code(key)} ${where}`;
    const pattern = patternOf(segs);
    const home = HOME_OF[key];
    const close = closestMatch(key, allowed);
    const misplaced = segs.length === 0 && this.inSection ? SECTION_MISPLACED[key] : undefined;
    let hint: string;
    if (misplaced !== undefined) {
      hint = misplaced;
    } else if (pattern === '/users/*' && /pass(word)?$/i.test(key)) {
      hint = 'passwords never go in this file: reference one with `password: { env: NAME }` or `password: { file: PATH }`, or leave it out to have iampass generate it';
    } else if (home !== undefined) {
      hint = `${code(key)} belongs in ${home}`;
    } else if (close !== undefined) {
      hint = `did you mean ${code(close)}?`;
    } else if (segs.length === 0 && isUserEntry(valueAt(this.ctx.data, pointer))) {
      hint = `users go under \`users:\`, e.g. \`users: { ${key}: { console: true } }\``;
    } else {
      hint = `valid keys ${where}: ${allowed.map(code).join(', ')}`;
    }
    return { pointer, anchor: 'key', message, hint };
  }

  /** An id in `acknowledge` that is not a warning of that kind: list the valid ones, and say where a misplaced one goes. */
  private unknownWarningId(segs: readonly string[], pointer: string, id: string): Translated {
    const forUser = segs[0] === 'users';
    const where = forUser ? `users.${segs[1]}.acknowledge` : 'advisories.acknowledge';
    const valid: readonly string[] = forUser ? USER_ADVISORIES : ACCOUNT_ADVISORIES;
    const child = `${pointer}/${escapePointerSegment(id)}`;
    const upper = id.toUpperCase();
    let hint: string;
    if (forUser && isAccountAdvisory(upper)) {
      hint = `${upper} is about the account, not one user: acknowledge it under advisories.acknowledge`;
    } else if (!forUser && isUserAdvisory(upper)) {
      hint = `${upper} is about one user: acknowledge it under that user, e.g. \`users: { alice: { acknowledge: { ${upper}: "reason" } } }\``;
    } else {
      const close = closestMatch(id, valid);
      hint = `${close !== undefined ? `did you mean ${code(close)}? ` : ''}valid ids in ${where}: ${valid.join(', ')}`;
    }
    return { pointer: child, anchor: 'key', message: `unknown warning id ${code(id)} in ${where}`, hint };
  }

  private wrongType(segs: readonly string[], pointer: string, value: unknown, expected: string): Translated {
    const pattern = patternOf(segs);
    const label = labelOf(segs);
    const got = describeValue(value);
    if (pattern === '/users/*') {
      const name = segs[1] ?? '';
      if (value === null || value === undefined) {
        return {
          pointer,
          anchor: 'value',
          message: `user ${name} needs \`console: true\` or \`console: false\``,
          hint: `write \`${name}: { console: true }\``,
        };
      }
      const consoleValue = typeof value === 'boolean' ? String(value) : 'true';
      return {
        pointer,
        anchor: 'value',
        message: `user ${name} must be a map like \`{ console: ${consoleValue} }\`, got ${got}`,
        hint: `write \`${name}: { console: ${consoleValue} }\``,
      };
    }
    const words = TYPE_OVERRIDES[pattern] ?? TYPE_WORDS[expected] ?? expected;
    const hint = this.typeHint(segs, pointer, value, expected);
    return { pointer, anchor: 'value', message: `${label} must be ${words}, got ${got}`, ...(hint ? { hint } : {}) };
  }

  private typeHint(segs: readonly string[], pointer: string, value: unknown, expected: string): string | undefined {
    const pattern = patternOf(segs);
    const key = segs[segs.length - 1] ?? '';
    const text = this.ctx.textOf(pointer);
    if (value === null || value === undefined) {
      if (NULL_HINTS[pattern]) return NULL_HINTS[pattern];
      if (pattern === '/scope/tags/*') return `write \`${key}: ""\` to match an empty tag value`;
      if (expected === 'boolean') return 'write `true` or `false`';
      return 'give it a value, or remove the key';
    }
    if (expected === 'boolean') {
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
        return `write \`${value.trim().toLowerCase()}\` without quotes`;
      }
      if (typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value.trim())) {
        return `write \`true\` or \`false\`: YAML 1.2 reads \`${value}\` as text`;
      }
      return 'write `true` or `false`';
    }
    if (expected === 'integer' || expected === 'number') {
      if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return `write it without quotes: \`${key}: ${value.trim()}\``;
      if (typeof value === 'number') return 'use a whole number';
      return undefined;
    }
    if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
      const raw = text ?? String(value);
      if (/^\d+$/.test(key)) return `put it in quotes: \`"${raw}"\``;
      return `put it in quotes: \`${key}: "${raw}"\``;
    }
    if (pattern === '/users' && Array.isArray(value)) return 'list users as a map: `users: { alice: { console: true } }`';
    if (pattern === '/scope/protected' && typeof value === 'string') return `write a list: \`protected: [${value}]\``;
    return undefined;
  }

  private badPattern(pattern: string, pointer: string, label: string, value: unknown): Translated {
    const got = describeValue(value);
    const s = typeof value === 'string' ? value : '';
    if (pattern === '/account') {
      return { pointer, anchor: 'value', message: `account must be a 12-digit AWS account id, got ${got}`, hint: accountIdHint(s, 'account') };
    }
    if (pattern === '/organization/targets/accounts/*') {
      return { pointer, anchor: 'value', message: `${label} must be a 12-digit AWS account id, got ${got}`, hint: accountIdHint(s, 'item') };
    }
    if (pattern === '/organization/targets/ous/*') {
      return { pointer, anchor: 'value', message: `${label} must be an organizational unit id such as \`ou-ab12-cd34ef56\`, got ${got}`, hint: OU_HINT };
    }
    if (pattern === '/organization/targets/exclude/*') {
      return {
        pointer,
        anchor: 'value',
        message: `${label} must be a 12-digit account id or an organizational unit id (\`ou-...\`), got ${got}`,
        hint: `${OU_HINT}; account ids go in quotes`,
      };
    }
    if (pattern === '/organization/roleName' || pattern === '/roleName') {
      return { pointer, anchor: 'value', message: `roleName must be an IAM role name, got ${got}`, hint: 'the role name alone (1 to 64 letters, digits and + = , . @ _ -), not its ARN, e.g. `OrganizationAccountAccessRole`' };
    }
    if (pattern === '/organization/externalId' || pattern === '/externalId') {
      return {
        pointer,
        anchor: 'value',
        message: `externalId must be 2 to 1224 letters, digits and + = , . @ : / _ -, got ${got}`,
        hint: "the sts:ExternalId condition of the role's trust policy, exactly",
      };
    }
    if (pattern === '/scope/pathPrefix') {
      if (!s.startsWith('/') || !s.endsWith('/')) {
        const inner = s.replace(/^\/+|\/+$/g, '');
        return {
          pointer,
          anchor: 'value',
          message: `pathPrefix must start and end with \`/\`, got ${got}`,
          hint: inner === '' ? 'write `/` for every path, or leave pathPrefix out' : `write \`${`/${inner}/`}\``,
        };
      }
      return {
        pointer,
        anchor: 'value',
        message: `pathPrefix may only contain printable ASCII characters without spaces, got ${got}`,
        hint: 'use the IAM path exactly as it is set on the users, e.g. `/staff/`',
      };
    }
    if (pattern === '/scope/protected/*') {
      return { pointer, anchor: 'value', message: `invalid IAM user name ${got} in scope.protected`, hint: userNameProblem(s) };
    }
    if (pattern === '/users/*/acknowledge/*' || pattern === '/advisories/acknowledge/*') {
      return {
        pointer,
        anchor: 'value',
        message: `the reason for acknowledging ${labelKey(pointer)} is blank`,
        hint: NULL_HINTS[pattern] ?? 'write why the warning is accepted',
      };
    }
    if (pattern === '/scope/tags/*' || pattern === '/organization/targets/tags/*') {
      return { pointer, anchor: 'value', message: `invalid value for tag \`${labelKey(pointer)}\`, got ${got}`, hint: tagTextProblem(s) };
    }
    return { pointer, anchor: 'value', message: `${label} is not in the expected form, got ${got}` };
  }
}

const OU_HINT = 'use the id AWS Organizations shows for the unit (`aws organizations list-organizational-units-for-parent`), e.g. `ou-ab12-cd34ef56`';

/** How to write a 12-digit account id where `s` was written: as the `account` value, a list item, or a section key. */
function accountIdHint(s: string, where: 'account' | 'item' | 'key'): string {
  const digits = s.replace(/[\s-]/g, '');
  if (/^[0-9]{12}$/.test(digits)) {
    const written = where === 'account' ? `account: "${digits}"` : where === 'item' ? `"${digits}"` : `"${digits}":`;
    return `write the 12 digits only: \`${written}\``;
  }
  if (where === 'key' && /^[0-9]{1,11}$/.test(s)) {
    return 'account ids are 12 digits; write them in quotes (`"012345678901":`), as YAML reads unquoted digits as a number and drops leading zeros';
  }
  if (where === 'key') return 'key each section by the 12-digit id of its account, in quotes, e.g. `"123456789012":`';
  const example = where === 'account' ? '`account: "123456789012"`' : '`"123456789012"`';
  return `use the 12-digit account id (as \`aws sts get-caller-identity\` shows it), in quotes, e.g. ${example}`;
}

/**
 * The account whose inline section (`accounts.ID` in an organization file) an error is about, or null for an error
 * about the `accounts` map itself or the section's value as a whole (neither a map nor a path).
 */
function sectionOf(e: ErrorObject): string | null {
  const p = e.instancePath;
  if (!p.startsWith('/accounts/')) return null;
  const end = p.indexOf('/', '/accounts/'.length);
  const id = segmentsOf(p)[1] ?? '';
  if (end >= 0) return id;
  // at the section's own pointer, only what the section's schema says about its keys is the section's
  return e.keyword === 'additionalProperties' || e.keyword === 'required' ? id : null;
}

/** `''`, `/users`, `/users/alice`, ... `pointer` itself: the pointers a value at `pointer` is within. */
function pointerAndAncestors(pointer: string): string[] {
  const out = [''];
  for (let i = pointer.indexOf('/', 1); i >= 0; i = pointer.indexOf('/', i + 1)) out.push(pointer.slice(0, i));
  if (pointer !== '') out.push(pointer);
  return out;
}

/**
 * For each `oneOf`, only the branch whose type matches the value speaks (an object with a bad field reports the field,
 * not "must be string"); a value matching no branch gets one message listing the alternatives. Each `oneOf` looks
 * only at the errors of its own value and what is inside it, found through an index, so a file with a bad password
 * on each of thousands of users costs no more per user than one.
 */
function pruneOneOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  if (oneOfs.length === 0) return [...errors];
  const paths = new Set(oneOfs.map((e) => e.instancePath));
  const within = new Map<string, ErrorObject[]>();
  for (const x of errors) {
    for (const p of pointerAndAncestors(x.instancePath)) {
      if (!paths.has(p)) continue;
      const list = within.get(p);
      if (list === undefined) within.set(p, [x]);
      else list.push(x);
    }
  }
  const removed = new Set<ErrorObject>();
  for (const e of oneOfs) {
    const branches = (Array.isArray(e.schema) ? e.schema : []) as AnySchemaObject[];
    const chosen = chooseBranch(branches, e.data);
    const prefix = `${e.schemaPath}/`;
    const keep = chosen >= 0 ? `${prefix}${chosen}/` : null;
    // A `$ref`'d schema has one schemaPath for every value it checks: only this value's errors are this oneOf's.
    const mine = within.get(e.instancePath) ?? [];
    for (const x of mine) {
      if (x.schemaPath.startsWith(prefix) && !(keep !== null && x.schemaPath.startsWith(keep))) removed.add(x);
      // A branch that `$ref`s a definition (`{ type: object, $ref: ... }`) reports the definition's own type error
      // under the definition's path: on this very value, a type error not from the chosen branch is another branch's.
      else if (x.keyword === 'type' && x.instancePath === e.instancePath && !(keep !== null && x.schemaPath.startsWith(keep))) removed.add(x);
    }
    if (keep === null) continue;
    const onValue = mine.filter(
      (x) =>
        !removed.has(x) &&
        x.schemaPath.startsWith(keep) &&
        x.instancePath === e.instancePath &&
        (x.keyword === 'const' || x.keyword === 'enum' || x.keyword === 'type'),
    );
    // a wrong word for a string branch reads best as "must be A or B": keep the oneOf error for it instead
    if (onValue.length > 0) for (const x of onValue) removed.add(x);
    else removed.add(e);
  }
  return errors.filter((x) => !removed.has(x));
}

function labelKey(pointer: string): string {
  const segs = segmentsOf(pointer);
  return segs[segs.length - 1] ?? '';
}

function isUserEntry(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, 'console');
}

/**
 * The branch of a `oneOf` that should explain an error: the only one whose type fits the value, or among several
 * object branches the one whose required key the value has. -1 when none fits (the `oneOf` error itself speaks).
 */
function chooseBranch(branches: readonly AnySchemaObject[], value: unknown): number {
  const fitting = branches.flatMap((b, i) => (typeMatches(b.type, value) ? [i] : []));
  if (fitting.length <= 1) return fitting[0] ?? -1;
  const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
  return fitting.find((i) => ((branches[i]?.required ?? []) as string[]).some((k) => keys.includes(k))) ?? -1;
}

function describeBranch(b: AnySchemaObject): string {
  if (b.const !== undefined) return code(b.const);
  if (Array.isArray(b.enum)) return orList(b.enum.map(code));
  if (b.type === 'object') return 'a map of settings';
  return TYPE_WORDS[String(b.type)] ?? String(b.type);
}

export function explainSchemaErrors(errors: readonly ErrorObject[], ctx: ExplainContext): Finding[] {
  return new Explainer(ctx).explain(errors);
}
