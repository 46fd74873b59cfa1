/**
 * An organization file (one with `organization:`) and the section files it names, into an OrganizationDesired, or
 * every problem in all of them at once, each at its file:line:col. Stages: the organization file's structure and
 * its own checks (the baseline is checked as an account file is); each section file read and checked against the
 * section schema; then, where the structure is sound, each account's merged state is checked, and a problem found
 * only there names the account and is reported where the offending value was written.
 */
import { dirname, resolve } from 'node:path';
import type { AccountSection, ConfigFile, OrganizationDesired, OrganizationSettings, TargetSelector } from '../model/organization.js';
import type { DesiredUser, SourcePosition } from '../model/desired.js';
import { sha256 } from '../util/sha256.js';
import { buildState, type RawConfig, type RawUser } from './build-state.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { diagnosticOf, diagnosticsOf, lineOf, positionOf, readDocument, textOf, type ReadDocument, type SourceDoc } from './document.js';
import { explainSchemaErrors } from './explain.js';
import type { Finding } from './findings.js';
import type { ConfigurationResult } from './load.js';
import { absolutePaths, mergeLayers, type Layer, type RawSection } from './merge.js';
import { mergedChecks, organizationChecks } from './organization-checks.js';
import { validateSectionStructure, validateStructure } from './schema.js';
import { readSectionFile, SectionBudget } from './section-files.js';
import { semanticChecks } from './semantic.js';
import { escapePointerSegment, setOwn } from './source.js';

export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';

/** The settings of the baseline an account section may change. */
const BASELINE_KEYS = ['passwordPolicy', 'scope', 'defaults', 'users', 'advisories'];

/** One entry of `accounts`, as far as it could be read. */
interface SectionEntry {
  account: string;
  /** Null when the section is neither a map nor a readable file. */
  layer: Layer | null;
  /** The section's structure is valid, so its merged state can be checked and built. */
  sound: boolean;
  /** Where the section is: its key in the organization file, or the start of its own file. */
  at: SourcePosition;
  /** The section's key in the organization file. */
  keyAt: SourcePosition;
  /** The layer with its relative paths made absolute, once checked. */
  resolved?: Layer;
}

/** A section file, read and checked once however many accounts name it. */
interface ReadSection {
  doc: SourceDoc | null;
  sound: boolean;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sourceDoc(read: Extract<ReadDocument, { ok: true }>, file: string, dir: string): SourceDoc {
  const { data, index, problems } = read.converted;
  return { file, dir, data, index, positions: read.positions, problems };
}

/** The pointers of every error among `findings` and the conversion problems of `doc`. */
function errorPointers(doc: SourceDoc, findings: readonly Finding[]): string[] {
  return [...doc.problems.map((p) => p.pointer), ...findings.filter((f) => f.severity === 'error').map((f) => f.pointer)];
}

const within = (pointer: string, root: string): boolean => pointer === root || pointer.startsWith(`${root}/`);

type RawUsers = Readonly<Record<string, Partial<RawUser>>>;

/**
 * The baseline's users, indexed once. A section is checked and built against only the baseline users it names
 * where the rules allow (see `checkMergedStates`, `buildOrganization`): so each account costs what its section
 * holds, not what the baseline holds (300 sections over a 5,000-user baseline took 14 s and 500 MB otherwise).
 */
class BaselineUsers {
  private readonly order = new Map<string, number>();
  private readonly byFolded = new Map<string, string[]>();

  constructor(private readonly users: RawUsers) {
    Object.keys(users).forEach((name, i) => {
      this.order.set(name, i);
      const folded = name.toLowerCase();
      this.byFolded.set(folded, [...(this.byFolded.get(folded) ?? []), name]);
    });
  }

  /** The baseline's entries named in `names` (also under another case, when `folded`), in the baseline's order. */
  subset(names: readonly string[], folded: boolean): Record<string, Partial<RawUser>> {
    const picked = new Set<string>();
    for (const name of names) {
      if (this.order.has(name)) picked.add(name);
      if (folded) for (const other of this.byFolded.get(name.toLowerCase()) ?? []) picked.add(other);
    }
    const out: Record<string, Partial<RawUser>> = {};
    for (const name of [...picked].sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0))) {
      setOwn(out, name, this.users[name]);
    }
    return out;
  }
}

function withUsers(layer: Layer, users: Record<string, Partial<RawUser>>): Layer {
  return { ...layer, raw: { ...layer.raw, users } };
}

/** `base` (sorted by name) without the users `over` has, and `over`'s (sorted), in one sorted list. */
function mergeSorted(base: readonly DesiredUser[], over: readonly DesiredUser[]): DesiredUser[] {
  const replaced = new Set(over.map((u) => u.name));
  const kept = base.filter((u) => !replaced.has(u.name));
  const out: DesiredUser[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length || j < over.length) {
    const a = kept[i];
    const b = over[j];
    if (b === undefined || (a !== undefined && a.name < b.name)) {
      out.push(a as DesiredUser);
      i++;
    } else {
      out.push(b);
      j++;
    }
  }
  return out;
}

function keyOf(d: Diagnostic): string {
  return `${d.file}\u0000${d.line}\u0000${d.col}\u0000${d.severity}\u0000${d.message}`;
}

/** Reads and checks an organization file whose document `read` is; `bytes` are its bytes, as read. */
export async function loadOrganization(read: Extract<ReadDocument, { ok: true }>, file: string, bytes: Buffer): Promise<ConfigurationResult> {
  const doc = sourceDoc(read, file, dirname(resolve(file)));
  const data = doc.data as Record<string, unknown>;
  const lines = (p: string) => lineOf(doc, p);
  const baselineFindings = semanticChecks(data, { lineOf: lines });
  const findings = [
    ...explainSchemaErrors(validateStructure(data), { data, kind: 'file', lineOf: lines, textOf: (p) => textOf(doc, p) }),
    ...organizationChecks(data, lines),
    ...baselineFindings,
  ];
  const diagnostics = [...read.diagnostics, ...diagnosticsOf(doc, findings)];
  const broken = errorPointers(doc, findings);
  const baselineSound = !broken.some((p) => BASELINE_KEYS.some((k) => within(p, `/${k}`)));

  const files: ConfigFile[] = [{ file, sha256: sha256(bytes) }];
  const sections = await readSections(doc, broken, new SectionBudget(bytes.length), files, diagnostics);
  const baseline: Layer = { raw: absolutePaths(data as RawSection, doc.dir), doc, root: '' };
  const users = new BaselineUsers(baselineSound ? (baseline.raw.users ?? {}) : {});
  if (baselineSound) {
    const seen = new Set(diagnosticsOf({ ...doc, problems: [] }, baselineFindings).map(keyOf));
    diagnostics.push(...checkMergedStates(baseline, users, sections, seen));
  }
  if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  const organization = buildOrganization(doc, baseline, users, sections, files);
  return { ok: true, state: { kind: 'organization', organization }, warnings: sortDiagnostics(diagnostics), files };
}

/**
 * Every entry of `accounts`, in the file's order: an inline section as a layer of the organization file, a path as
 * the section file it names (read, parsed and checked once however many accounts name it; refusals and problems go
 * to `diagnostics`, each file read to `files`). Read one after the other, so `files` and the budget are the same on
 * every run.
 */
async function readSections(
  doc: SourceDoc,
  broken: readonly string[],
  budget: SectionBudget,
  files: ConfigFile[],
  diagnostics: Diagnostic[],
): Promise<SectionEntry[]> {
  const data = doc.data as Record<string, unknown>;
  const accounts = isMap(data.accounts) ? data.accounts : {};
  const byReal = new Map<string, ReadSection>();
  const out: SectionEntry[] = [];
  for (const [account, value] of Object.entries(accounts)) {
    if (!/^[0-9]{12}$/.test(account)) continue; // the schema reports the key
    const root = `/accounts/${escapePointerSegment(account)}`;
    const keyAt = positionOf(doc, root, 'key') ?? { file: doc.file, line: 0, col: 0 };
    if (isMap(value)) {
      out.push({ account, keyAt, at: keyAt, layer: { raw: value as RawSection, doc, root }, sound: !broken.some((p) => within(p, root)) });
      continue;
    }
    if (typeof value !== 'string' || value === '') continue; // the schema reports the value
    const result = await readSectionFile(value, doc.file, budget);
    if (!result.ok) {
      const { message, hint } = result.refusal;
      diagnostics.push(diagnosticOf(doc, { severity: 'error', pointer: root, anchor: 'value', message, hint }));
      continue;
    }
    const { section } = result;
    let checked = byReal.get(section.real);
    if (checked === undefined) {
      files.push({ file: section.file, sha256: sha256(section.bytes) });
      checked = await checkSectionFile(section.text, section.file, diagnostics);
      byReal.set(section.real, checked);
    }
    const layer = checked.doc === null ? null : { raw: checked.doc.data as RawSection, doc: checked.doc, root: '' };
    out.push({ account, keyAt, at: { file: checked.doc?.file ?? section.file, line: 1, col: 1 }, layer, sound: checked.sound });
  }
  return out;
}

/** A section file's syntax and structure (its own schema); problems go to `diagnostics`. */
async function checkSectionFile(text: string, file: string, diagnostics: Diagnostic[]): Promise<ReadSection> {
  const read = readDocument(text, file, 'section');
  diagnostics.push(...read.diagnostics);
  if (!read.ok) return { doc: null, sound: false };
  const doc = sourceDoc(read, file, dirname(resolve(file)));
  const findings = explainSchemaErrors(await validateSectionStructure(doc.data), {
    data: doc.data,
    kind: 'section',
    lineOf: (p) => lineOf(doc, p),
    textOf: (p) => textOf(doc, p),
  });
  const found = diagnosticsOf(doc, findings);
  diagnostics.push(...found);
  return { doc, sound: !hasErrors(found) && doc.problems.length === 0 };
}

/** `account 222222222222`, `accounts 222222222222 and 333333333333`, `accounts 1, 2, 3, 4, 5 and 7 more`. */
function accountsPhrase(accounts: readonly string[]): string {
  const sorted = [...accounts].sort();
  if (sorted.length === 1) return `account ${sorted[0]}`;
  if (sorted.length <= 6) return `accounts ${sorted.slice(0, -1).join(', ')} and ${sorted[sorted.length - 1]}`;
  return `accounts ${sorted.slice(0, 5).join(', ')} and ${sorted.length - 5} more`;
}

/**
 * Each sound section merged over the baseline and checked as an account file is, plus what only merging can
 * break. A problem is reported once where the offending value was written, naming every account it arises in;
 * one the baseline alone already has (`seen`) is not repeated.
 *
 * A section that sets no scope, defaults or policy changes nothing that judges the baseline's other users: it is
 * checked with only the baseline users it names (and those named alike but for case, for the duplicate check),
 * which finds the same problems once those of the baseline alone are left out.
 */
function checkMergedStates(baseline: Layer, users: BaselineUsers, sections: SectionEntry[], seen: ReadonlySet<string>): Diagnostic[] {
  const grouped = new Map<string, { diagnostic: Diagnostic; accounts: string[] }>();
  for (const section of sections) {
    if (!section.sound || section.layer === null) continue;
    const layer = { ...section.layer, raw: absolutePaths(section.layer.raw, section.layer.doc.dir) };
    section.resolved = layer;
    const s = layer.raw;
    const names = Object.keys(s.users ?? {});
    const narrow = s.scope === undefined && s.defaults === undefined && s.passwordPolicy === undefined;
    const merged = mergeLayers(narrow ? withUsers(baseline, users.subset(names, true)) : baseline, layer);
    const origin = (p: string) => merged.origin(p) ?? { doc: layer.doc, pointer: layer.root };
    const ctx = {
      lineOf: (p: string) => lineOf(origin(p).doc, origin(p).pointer),
      placeOf: (p: string) => {
        const o = origin(p);
        const line = lineOf(o.doc, o.pointer);
        return line === undefined ? undefined : `${o.doc.file}:${line}`;
      },
    };
    for (const f of [...mergedChecks(merged.raw, baseline.raw, names), ...semanticChecks(merged.raw, ctx)]) {
      const o = origin(f.pointer);
      const d = diagnosticOf(o.doc, f, o.pointer);
      const key = keyOf(d);
      if (seen.has(key)) continue;
      const group = grouped.get(key);
      if (group === undefined) grouped.set(key, { diagnostic: d, accounts: [section.account] });
      else group.accounts.push(section.account);
    }
  }
  return [...grouped.values()].map(({ diagnostic, accounts }) => ({ ...diagnostic, message: `${accountsPhrase(accounts)}: ${diagnostic.message}` }));
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The validated organization settings, defaults filled in. */
function organizationSettings(doc: SourceDoc): OrganizationSettings {
  const raw = (doc.data as { organization: { targets: Record<string, unknown>; roleName?: string; externalId?: string } }).organization;
  const t = raw.targets;
  const targets: TargetSelector = {
    all: t.all === true,
    ous: strings(t.ous),
    accounts: strings(t.accounts),
    tags: Object.fromEntries(Object.entries(isMap(t.tags) ? (t.tags as Record<string, string>) : {})),
    exclude: strings(t.exclude),
    includeManagement: t.includeManagement === true,
  };
  const settings: OrganizationSettings = { targets, roleName: raw.roleName ?? DEFAULT_ROLE_NAME, externalId: raw.externalId ?? null };
  const at = positionOf(doc, '/organization', 'key');
  if (at !== undefined) settings.at = at;
  return settings;
}

/**
 * The OrganizationDesired of a file found valid: the baseline's state, and each section merged over it. Where a
 * section sets no defaults, the baseline users it does not name are built exactly as in the baseline's state, so
 * that state's user objects are shared instead of built again for every account.
 */
function buildOrganization(
  doc: SourceDoc,
  baseline: Layer,
  users: BaselineUsers,
  sections: readonly SectionEntry[],
  files: readonly ConfigFile[],
): OrganizationDesired {
  const base = buildState(baseline.raw as RawConfig, (p, a) => positionOf(doc, p, a), doc.dir);
  const built = new Map<string, AccountSection>();
  for (const section of [...sections].sort((a, b) => (a.account < b.account ? -1 : 1))) {
    const layer = section.resolved;
    if (layer === undefined) continue; // only when there were errors, which stop before here
    const share = layer.raw.defaults === undefined;
    const merged = mergeLayers(share ? withUsers(baseline, users.subset(Object.keys(layer.raw.users ?? {}), false)) : baseline, layer);
    const position = (p: string, a: 'key' | 'value') => {
      const o = merged.origin(p);
      return o === undefined ? undefined : positionOf(o.doc, o.pointer, a);
    };
    const state = buildState(merged.raw as RawConfig, position, doc.dir);
    const desired = { ...state, users: share ? mergeSorted(base.users, state.users) : state.users, account: section.account, accountAt: section.keyAt };
    built.set(section.account, {
      account: section.account,
      desired,
      roleName: layer.raw.roleName ?? null,
      externalId: layer.raw.externalId ?? null,
      at: section.at,
    });
  }
  return { version: 1, organization: organizationSettings(doc), baseline: base, sections: built, files };
}
