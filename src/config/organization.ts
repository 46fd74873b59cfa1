/**
 * An organization file (one with `organization:`) and the section files it names, into an OrganizationDesired, or
 * every problem in all of them at once, each at its file:line:col. Stages: the organization file's structure and
 * its own checks (the baseline is checked as an account file is); each section file read and checked against the
 * section schema; then, where the structure is sound, each account's merged state is checked, and a problem found
 * only there names the account and is reported where the offending value was written.
 */
import { dirname, resolve } from 'node:path';
import type { AccountSection, ConfigFile, OrganizationDesired, OrganizationSettings, TargetSelector } from '../model/organization.js';
import type { SourcePosition } from '../model/desired.js';
import { sha256 } from '../util/sha256.js';
import { buildState, type RawConfig } from './build-state.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { diagnosticOf, diagnosticsOf, lineOf, positionOf, readDocument, textOf, type ReadDocument, type SourceDoc } from './document.js';
import { explainSchemaErrors } from './explain.js';
import type { Finding } from './findings.js';
import type { ConfigurationResult } from './load.js';
import { absolutePaths, mergeLayers, type Layer, type Merged, type RawSection } from './merge.js';
import { mergedChecks, organizationChecks } from './organization-checks.js';
import { validateSectionStructure, validateStructure } from './schema.js';
import { readSectionFile, SectionBudget } from './section-files.js';
import { semanticChecks } from './semantic.js';
import { escapePointerSegment } from './source.js';

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
  merged?: Merged;
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
  if (baselineSound) {
    const seen = new Set(diagnosticsOf({ ...doc, problems: [] }, baselineFindings).map(keyOf));
    diagnostics.push(...checkMergedStates(baseline, sections, seen));
  }
  if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  const organization = buildOrganization(doc, baseline, sections, files);
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
 */
function checkMergedStates(baseline: Layer, sections: SectionEntry[], seen: ReadonlySet<string>): Diagnostic[] {
  const grouped = new Map<string, { diagnostic: Diagnostic; accounts: string[] }>();
  for (const section of sections) {
    if (!section.sound || section.layer === null) continue;
    const layer = { ...section.layer, raw: absolutePaths(section.layer.raw, section.layer.doc.dir) };
    const merged = mergeLayers(baseline, layer);
    section.merged = merged;
    const origin = (p: string) => merged.origin(p) ?? { doc: layer.doc, pointer: layer.root };
    const ctx = {
      lineOf: (p: string) => lineOf(origin(p).doc, origin(p).pointer),
      placeOf: (p: string) => {
        const o = origin(p);
        const line = lineOf(o.doc, o.pointer);
        return line === undefined ? undefined : `${o.doc.file}:${line}`;
      },
    };
    for (const f of [...mergedChecks(merged.raw, baseline.raw), ...semanticChecks(merged.raw, ctx)]) {
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

/** The OrganizationDesired of a file found valid: the baseline's state, and each section merged over it. */
function buildOrganization(doc: SourceDoc, baseline: Layer, sections: readonly SectionEntry[], files: readonly ConfigFile[]): OrganizationDesired {
  const base = buildState(baseline.raw as RawConfig, (p, a) => positionOf(doc, p, a), doc.dir);
  const built = new Map<string, AccountSection>();
  for (const section of [...sections].sort((a, b) => (a.account < b.account ? -1 : 1))) {
    const { merged, layer } = section;
    if (merged === undefined || layer === null) continue; // only when there were errors, which stop before here
    const position = (p: string, a: 'key' | 'value') => {
      const o = merged.origin(p);
      return o === undefined ? undefined : positionOf(o.doc, o.pointer, a);
    };
    const desired = { ...buildState(merged.raw as RawConfig, position, doc.dir), account: section.account, accountAt: section.keyAt };
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
