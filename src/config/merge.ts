/**
 * The merge rules of an organization file: one account's state is its section merged over the baseline. Pure: raw
 * validated data in, raw data out, with the way back from every merged value to the file and place that wrote it
 * (so a problem found only after merging is reported where the offending value is).
 *
 * The rules, each stated once (the README's "Merge rules" says the same):
 * - users: by exact name; a user in both is merged field by field (the section's field wins; `password` is one
 *   field; `acknowledge` is merged by warning id); a name only in the section adds a user.
 * - passwordPolicy: a section map over a baseline map, field by field; otherwise the section's value (`default`, or
 *   a map that is then the whole policy) replaces the baseline's. A section without one keeps the baseline's.
 * - scope: field by field; `tags` replaced whole; `protected`: the baseline's names, then the section's new ones.
 * - defaults: field by field (`password` is one field); they apply to the baseline's users in the account too.
 * - advisories: field by field; `acknowledge` merged by warning id.
 * - relative paths (pgpKey, pgpKeyDir, password file) were made absolute against the file that wrote them before
 *   merging (see `absolutePaths`).
 */
import { resolve } from 'node:path';
import type { RawAdvisories, RawConfig, RawDefaults, RawPolicy, RawScope, RawUser } from './build-state.js';
import type { SourceDoc } from './document.js';
import { escapePointerSegment, setOwn } from './source.js';

/** What an account section may hold once validated: the baseline's settings, each optional and partial. */
export interface RawSection {
  roleName?: string;
  externalId?: string;
  passwordPolicy?: 'default' | Partial<RawPolicy>;
  scope?: RawScope;
  defaults?: RawDefaults;
  users?: Record<string, Partial<RawUser>>;
  advisories?: RawAdvisories;
}

/** The settings of one account after merging, before the checks that say whether every user has `console`. */
export interface RawMerged {
  version: 1;
  passwordPolicy?: 'default' | Partial<RawPolicy>;
  scope?: RawScope;
  defaults?: RawDefaults;
  users?: Record<string, Partial<RawUser>>;
  advisories?: RawAdvisories;
}

/** One side of a merge: the baseline or a section, and where its values were written. */
export interface Layer {
  raw: RawSection;
  doc: SourceDoc;
  /** The pointer of the layer in its file: `''` for the baseline and a section file, `/accounts/ID` for an inline section. */
  root: string;
}

/** Where a value was written: a file (as read) and the pointer within it. */
export interface Origin {
  doc: SourceDoc;
  pointer: string;
}

export interface Merged {
  raw: RawMerged;
  /** The file and place that wrote the merged value at `pointer`, or of the nearest value enclosing it. */
  origin(pointer: string): Origin | undefined;
}

const own = (m: object, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);

/** `{ ...base, ...over }` for maps keyed by names from the file (a key `__proto__` stays an own key). */
function byKey<T>(base: Readonly<Record<string, T>> | undefined, over: Readonly<Record<string, T>> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const m of [base, over]) if (m !== undefined) for (const [k, v] of Object.entries(m)) setOwn(out, k, v);
  return out;
}

function mergeUser(base: Partial<RawUser>, over: Partial<RawUser>): Partial<RawUser> {
  const merged = { ...base, ...over };
  if (base.acknowledge !== undefined && over.acknowledge !== undefined) merged.acknowledge = byKey(base.acknowledge, over.acknowledge);
  return merged;
}

function mergeUsers(base: RawSection['users'], over: RawSection['users']): RawSection['users'] {
  if (over === undefined) return base;
  if (base === undefined) return over;
  const out = byKey(base, undefined);
  for (const [name, user] of Object.entries(over)) setOwn(out, name, own(out, name) ? mergeUser(out[name] as Partial<RawUser>, user) : user);
  return out;
}

function mergePolicy(base: RawSection['passwordPolicy'], over: RawSection['passwordPolicy']): RawSection['passwordPolicy'] {
  if (over === undefined) return base;
  if (over === 'default' || base === undefined || base === 'default') return over;
  return { ...base, ...over };
}

function union(base: readonly string[] | undefined, over: readonly string[] | undefined): string[] | undefined {
  if (over === undefined) return base === undefined ? undefined : [...base];
  if (base === undefined) return [...over];
  const seen = new Set(base);
  return [...base, ...over.filter((name) => !seen.has(name))];
}

function mergeScope(base: RawScope | undefined, over: RawScope | undefined): RawScope | undefined {
  if (over === undefined || base === undefined) return over ?? base;
  const merged: RawScope = { ...base, ...over };
  const names = union(base.protected, over.protected);
  if (names !== undefined) merged.protected = names;
  return merged;
}

function mergeAdvisories(base: RawAdvisories | undefined, over: RawAdvisories | undefined): RawAdvisories | undefined {
  if (over === undefined || base === undefined) return over ?? base;
  const merged: RawAdvisories = { ...base, ...over };
  if (base.acknowledge !== undefined && over.acknowledge !== undefined) merged.acknowledge = byKey(base.acknowledge, over.acknowledge);
  return merged;
}

function withoutUndefined(m: RawMerged): RawMerged {
  for (const k of Object.keys(m) as Array<keyof RawMerged>) if (m[k] === undefined) delete m[k];
  return m;
}

/** The account's settings: `section` merged over `baseline` by the rules above. */
export function mergeLayers(baseline: Layer, section: Layer): Merged {
  const b = baseline.raw;
  const s = section.raw;
  const raw = withoutUndefined({
    version: 1,
    passwordPolicy: mergePolicy(b.passwordPolicy, s.passwordPolicy),
    scope: mergeScope(b.scope, s.scope),
    defaults: b.defaults !== undefined && s.defaults !== undefined ? { ...b.defaults, ...s.defaults } : (s.defaults ?? b.defaults),
    users: mergeUsers(b.users, s.users),
    advisories: mergeAdvisories(b.advisories, s.advisories),
  });

  // `protected` is the one list merged: its items move, so their origins are recorded; every other value is found
  // at the same pointer in the layer that wrote it (the section's first: it wins wherever both write a value).
  const moved = new Map<string, Origin>();
  const names = raw.scope?.protected ?? [];
  const fromBaseline = b.scope?.protected ?? [];
  const fromSection = s.scope?.protected ?? [];
  names.forEach((name, i) => {
    const j = i < fromBaseline.length ? i : fromSection.indexOf(name);
    const layer = i < fromBaseline.length ? baseline : section;
    moved.set(`/scope/protected/${i}`, { doc: layer.doc, pointer: `${layer.root}/scope/protected/${j}` });
  });

  const origin = (pointer: string): Origin | undefined => {
    const explicit = moved.get(pointer);
    if (explicit !== undefined) return explicit;
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      for (const layer of [section, baseline]) {
        if (layer.doc.index.has(layer.root + p)) return { doc: layer.doc, pointer: layer.root + p };
      }
      if (p === '') return undefined;
    }
  };
  return { raw, origin };
}

/**
 * The layer's settings with every relative path (defaults.pgpKeyDir, users.*.pgpKey, users.*.password.file) made
 * absolute against `dir`, the directory of the file that wrote it. Copies only what it changes.
 */
export function absolutePaths<T extends RawSection | RawConfig>(raw: T, dir: string): T {
  const out = { ...raw };
  if (raw.defaults?.pgpKeyDir !== undefined) out.defaults = { ...raw.defaults, pgpKeyDir: resolve(dir, raw.defaults.pgpKeyDir) };
  const users = raw.users as Record<string, Partial<RawUser>> | undefined;
  if (users === undefined) return out;
  let changed: Record<string, Partial<RawUser>> | null = null;
  for (const [name, user] of Object.entries(users)) {
    const file = user.password !== undefined && 'file' in user.password ? user.password.file : undefined;
    if (user.pgpKey === undefined && file === undefined) continue;
    changed ??= byKey(users, undefined);
    const copy: Partial<RawUser> = { ...user };
    if (user.pgpKey !== undefined) copy.pgpKey = resolve(dir, user.pgpKey);
    if (file !== undefined) copy.password = { file: resolve(dir, file) };
    setOwn(changed, name, copy);
  }
  if (changed !== null) (out as RawSection).users = changed;
  return out;
}

/** The pointer of a user in any layer or merged state. */
export function userPointer(name: string): string {
  return `/users/${escapePointerSegment(name)}`;
}
