/**
 * Reads a desired-state file (format version 1) into a validated DesiredState, or reports every problem in it at
 * once, each at its position with a fix. Stages: YAML syntax (stop there on errors), then the JSON Schema
 * (structure), then the checks the schema cannot express (semantic.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { decodeText, FILE_LIMITS, FileError, readRegularFile } from '../util/files.js';
import { printable } from '../util/printable.js';
import type { PasswordPolicy } from '../model/policy.js';
import type { PasswordSource } from '../model/plan.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Severity } from './diagnostics.js';
import { explainSchemaErrors } from './explain.js';
import { dottedPath, type Finding } from './findings.js';
import { validateStructure } from './schema.js';
import { semanticChecks } from './semantic.js';
import { convertDocument, escapePointerSegment, type Converted, type Located } from './source.js';
import { convertPlainYaml } from './plain-yaml.js';
import {
  DEFAULT_ADVISORY_SETTINGS,
  type DesiredState,
  type DesiredUser,
  type FailOn,
  type PolicyIntent,
  type SourcePosition,
  type UnlistedMode,
} from '../model/desired.js';
import { explainYamlErrors, explainYamlWarning } from './yaml-errors.js';
import { parseYaml } from './parse-yaml.js';
import { Lines, type LinePositions } from './lines.js';
import { yamlLibrary } from './yaml-library.js';

export type LoadResult =
  | { ok: true; state: DesiredState; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** Reads and parses `path`. Never throws: an unreadable file is a diagnostic (line 0: about the whole file). */
export async function loadConfig(path: string): Promise<LoadResult> {
  const read = await readConfigFile(path);
  if (!read.ok) return read;
  return parseConfigSource(read.text, path);
}

/** The bytes and text of a desired-state file, or the diagnostic saying why it cannot be read. */
export type ConfigFile = { ok: true; bytes: Buffer; text: string } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Reads a desired-state file as `readRegularFile` does (a regular file within `FILE_LIMITS.desiredState`, UTF-8):
 * a FIFO, device, directory or kernel file is a diagnostic naming the file, never a wait.
 */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  try {
    const bytes = await readRegularFile(path, FILE_LIMITS.desiredState);
    return { ok: true, bytes, text: decodeText(path, bytes, FILE_LIMITS.desiredState) };
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    return { ok: false, diagnostics: [unreadable(path, error)] };
  }
}

/**
 * Above this size a file the plain reader declines is parsed in a worker (see parse-worker.ts); below it, a
 * worker's start costs more.
 */
export const WORKER_THRESHOLD_BYTES = 128 * 1024;

/**
 * `parseConfig`, with large files the plain reader declines parsed in a worker with a small young generation: the
 * yaml library's garbage would otherwise raise the peak memory of a 5,000-user run by tens of MB. The plain reader
 * makes little garbage (the 5,000-user plan of the bench peaked at 126 to 163 MB with it here or in the worker, as
 * before it, run to run) and a worker would cost it a third more time. Parses here when no compiled worker exists
 * (running from TypeScript).
 */
export async function parseConfigSource(source: string, file: string): Promise<LoadResult> {
  const worker = new URL('./parse-worker.js', import.meta.url);
  if (source.length < WORKER_THRESHOLD_BYTES || !existsSync(worker)) return parseConfig(source, file);
  const plain = parsePlainConfig(source, file);
  if (plain !== null) return plain;
  const { Worker } = await import('node:worker_threads');
  return new Promise<LoadResult>((resolve, reject) => {
    const thread = new Worker(worker, { workerData: { source, file }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    thread.once('message', (result: LoadResult) => resolve(result));
    thread.once('error', reject);
    thread.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the configuration parser stopped with exit code ${code}`));
    });
  });
}

function unreadable(path: string, error: FileError): Diagnostic {
  const base = { severity: 'error' as const, file: path, line: 0, col: 0 };
  if (error.reason === 'absent') {
    return {
      ...base,
      message: 'file not found',
      hint: `check the path (looked for ${printable(resolve(path))}), or write one from the account: \`iampass import -o ${printable(path)}\``,
    };
  }
  return { ...base, message: `this ${error.problem}`, hint: error.hint };
}

/** Raw shapes after schema validation succeeded. */
interface RawPolicy {
  minimumLength: number;
  requireUppercase?: boolean;
  requireLowercase?: boolean;
  requireNumbers?: boolean;
  requireSymbols?: boolean;
  allowUsersToChangePassword?: boolean;
  maxAgeDays?: number;
  reusePrevention?: number;
  hardExpiry?: boolean;
}
interface RawGenerate {
  generate: { length?: number };
}
interface RawConfig {
  version: 1;
  account?: string;
  passwordPolicy?: 'default' | RawPolicy;
  scope?: { pathPrefix?: string; tags?: Record<string, string>; unlisted?: UnlistedMode; protected?: string[] };
  defaults?: { passwordResetRequired?: boolean; password?: RawGenerate; rotation?: string; pgpKeyDir?: string };
  users?: Record<
    string,
    {
      console: boolean;
      passwordResetRequired?: boolean;
      password?: RawGenerate | { env: string } | { file: string };
      rotation?: string | false;
      pgpKey?: string;
      acknowledge?: Record<string, string>;
    }
  >;
  advisories?: { unusedDays?: number; expiringWithinDays?: number; failOn?: FailOn; acknowledge?: Record<string, string> };
}

/** Where positions come from, and the diagnostic for an offset. */
interface Positions {
  at(offset: number): { line: number; col: number };
  diagnostic(severity: Severity, offset: number, message: string, hint?: string, path?: string): Diagnostic;
}

function positionsOf(lineCounter: LinePositions, file: string): Positions {
  const at = (offset: number): { line: number; col: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  return {
    at,
    diagnostic: (severity, offset, message, hint, path) => ({
      severity,
      file,
      ...at(offset),
      message,
      ...(hint !== undefined ? { hint } : {}),
      ...(path !== undefined ? { path } : {}),
    }),
  };
}

type ReadDocument =
  | { ok: true; converted: Converted; positions: Positions; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Stage 1, YAML: the data with its positions, or the syntax errors (then nothing else is checked: the structure is
 * not trustworthy). Plain files take the fast reader; anything else, or anything it doubts, the full parser.
 */
function readDocument(source: string, file: string): ReadDocument {
  return readPlainDocument(source, file) ?? readFullDocument(source, file);
}

function readPlainDocument(source: string, file: string): ReadDocument | null {
  const lineCounter = new Lines();
  const plain = convertPlainYaml(source, lineCounter);
  return plain === null ? null : { ok: true, converted: plain, positions: positionsOf(lineCounter, file), diagnostics: [] };
}

function readFullDocument(source: string, file: string): ReadDocument {
  const lineCounter = new Lines();
  const positions = positionsOf(lineCounter, file);
  const { diagnostic } = positions;
  const parsed = parseYaml(source, lineCounter);
  if (!parsed.ok) return { ok: false, diagnostics: [diagnostic('error', parsed.problem.offset, parsed.problem.message, parsed.problem.hint)] };
  const { doc } = parsed;

  const diagnostics: Diagnostic[] = doc.warnings.map((w) => {
    const p = explainYamlWarning(w);
    return diagnostic('warning', p.offset, p.message, p.hint);
  });
  if (doc.errors.length > 0) {
    const seen = new Set<string>();
    for (const p of explainYamlErrors(doc, source)) {
      const d = diagnostic('error', p.offset, p.message, p.hint);
      const key = `${d.line}:${d.col}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(d);
    }
    return { ok: false, diagnostics };
  }

  const { isMap, isScalar } = yamlLibrary();
  const contents = doc.contents;
  const emptyRoot = contents === null || (isScalar(contents) && contents.value === null && (contents.source ?? '') === '');
  if (emptyRoot) {
    diagnostics.push({
      severity: 'error',
      file,
      line: 1,
      col: 1,
      message: 'the file is empty',
      hint: 'start with `version: 1`, then the settings to manage (passwordPolicy, scope, users)',
    });
    return { ok: false, diagnostics };
  }

  const converted = convertDocument(doc, lineCounter);
  if (!isMap(contents)) {
    const rootAt = converted.index.get('')?.valueOffset ?? 0;
    const what = Array.isArray(converted.data) ? 'a list' : 'a single value';
    diagnostics.push(
      diagnostic(
        'error',
        rootAt,
        `the top level must be a map of settings (version, passwordPolicy, scope, defaults, users), got ${what}`,
        'start with `version: 1`, followed by the other settings as `key: value` lines',
      ),
    );
    return { ok: false, diagnostics };
  }
  return { ok: true, converted, positions, diagnostics };
}

/** Parses and validates `source`; `file` is only used to name positions. Pure: reads nothing. */
export function parseConfig(source: string, file: string): LoadResult {
  return checkDocument(readDocument(source, file), file);
}

/** `parseConfig` when the plain reader takes the file, else null (see plain-yaml.ts). */
export function parsePlainConfig(source: string, file: string): LoadResult | null {
  const read = readPlainDocument(source, file);
  return read === null ? null : checkDocument(read, file);
}

/** `parseConfig` through the yaml library only (what the plain reader declined). */
export function parseFullConfig(source: string, file: string): LoadResult {
  return checkDocument(readFullDocument(source, file), file);
}

/** Stages 2 and 3: the structure (the JSON Schema) and what the schema cannot say, reported together. */
function checkDocument(read: ReadDocument, file: string): LoadResult {
  if (!read.ok) return { ok: false, diagnostics: sortDiagnostics(read.diagnostics) };
  const { converted, positions, diagnostics } = read;
  const { at, diagnostic } = positions;

  const { data, index } = converted;
  const locate = (pointer: string): Located | undefined => {
    let p = pointer;
    for (;;) {
      const l = index.get(p);
      if (l !== undefined || p === '') return l;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  };
  const lineOf = (pointer: string): number | undefined => {
    const l = index.get(pointer);
    return l === undefined ? undefined : at(l.keyOffset ?? l.valueOffset).line;
  };
  const textOf = (pointer: string): string | undefined => index.get(pointer)?.text;

  for (const p of converted.problems) {
    diagnostics.push(diagnostic('error', p.offset, p.message, p.hint, pathOrUndefined(p.pointer)));
  }

  // 2. Structure (the JSON Schema) and 3. what the schema cannot say: reported together.
  const findings: Finding[] = [
    ...explainSchemaErrors(validateStructure(data), { data, lineOf, textOf }),
    ...semanticChecks(data, { lineOf }),
  ];
  const unconverted = new Set(converted.problems.map((p) => p.pointer));
  for (const f of findings) {
    if (unconverted.has(f.pointer)) continue; // already explained: the value could not be read
    const l = locate(f.pointer);
    const offset = l === undefined ? 0 : f.anchor === 'key' ? (l.keyOffset ?? l.valueOffset) : l.valueOffset;
    diagnostics.push(diagnostic(f.severity, offset, f.message, f.hint, pathOrUndefined(f.pointer)));
  }

  if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };

  const position = (pointer: string, anchor: 'key' | 'value'): SourcePosition | undefined => {
    const l = index.get(pointer);
    if (l === undefined) return undefined;
    return { file, ...at(anchor === 'key' ? (l.keyOffset ?? l.valueOffset) : l.valueOffset) };
  };
  const state = buildState(data as RawConfig, position, dirname(resolve(file)));
  return { ok: true, state, warnings: sortDiagnostics(diagnostics) };
}

function pathOrUndefined(pointer: string): string | undefined {
  return pointer === '' ? undefined : dottedPath(pointer);
}

/** Generated passwords are this long unless the file says otherwise (never below the policy's minimum). */
export const DEFAULT_GENERATED_LENGTH = 20;

function buildState(
  raw: RawConfig,
  position: (pointer: string, anchor: 'key' | 'value') => SourcePosition | undefined,
  baseDir: string,
): DesiredState {
  const defaultReset = raw.defaults?.passwordResetRequired ?? true;
  const defaultLength = raw.defaults?.password?.generate.length ?? DEFAULT_GENERATED_LENGTH;
  const users: DesiredUser[] = Object.entries(raw.users ?? {}).map(([name, u]) => {
    const p = u.password;
    const password: PasswordSource =
      p === undefined
        ? { kind: 'generate', length: defaultLength }
        : 'env' in p
          ? { kind: 'env', name: p.env }
          : 'file' in p
            ? { kind: 'file', path: resolve(baseDir, p.file) }
            : { kind: 'generate', length: p.generate.length ?? defaultLength };
    const user: DesiredUser = {
      name,
      console: u.console,
      passwordResetRequired: u.passwordResetRequired ?? defaultReset,
      password,
      rotation: u.rotation === false ? null : (u.rotation ?? raw.defaults?.rotation ?? null),
      pgpKey: u.pgpKey === undefined ? null : resolve(baseDir, u.pgpKey),
    };
    if (u.acknowledge !== undefined && Object.keys(u.acknowledge).length > 0) user.acknowledge = { ...u.acknowledge };
    const at = position(`/users/${escapePointerSegment(name)}`, 'key');
    if (at !== undefined) user.at = at;
    return user;
  });
  users.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const state: DesiredState = {
    version: 1,
    account: raw.account ?? null,
    passwordPolicy: policyIntent(raw.passwordPolicy),
    scope: {
      pathPrefix: raw.scope?.pathPrefix ?? null,
      tags: Object.fromEntries(Object.entries(raw.scope?.tags ?? {})),
      unlisted: raw.scope?.unlisted ?? 'ignore',
      protected: [...(raw.scope?.protected ?? [])],
    },
    defaults: {
      passwordResetRequired: defaultReset,
      pgpKeyDir: raw.defaults?.pgpKeyDir === undefined ? null : resolve(baseDir, raw.defaults.pgpKeyDir),
      rotation: raw.defaults?.rotation ?? null,
    },
    users,
    advisories: {
      unusedDays: raw.advisories?.unusedDays ?? DEFAULT_ADVISORY_SETTINGS.unusedDays,
      expiringWithinDays: raw.advisories?.expiringWithinDays ?? DEFAULT_ADVISORY_SETTINGS.expiringWithinDays,
      failOn: raw.advisories?.failOn ?? DEFAULT_ADVISORY_SETTINGS.failOn,
      acknowledge: { ...(raw.advisories?.acknowledge ?? {}) },
    },
  };
  if (raw.account !== undefined) {
    const accountAt = position('/account', 'value');
    if (accountAt !== undefined) state.accountAt = accountAt;
  }
  const protectedAt = new Map<string, SourcePosition>();
  (raw.scope?.protected ?? []).forEach((name, i) => {
    const at = position(`/scope/protected/${i}`, 'value');
    if (at !== undefined && !protectedAt.has(name)) protectedAt.set(name, at);
  });
  if (protectedAt.size > 0) state.protectedAt = protectedAt;
  return state;
}

function policyIntent(raw: RawConfig['passwordPolicy']): PolicyIntent {
  if (raw === undefined) return { kind: 'unmanaged' };
  if (raw === 'default') return { kind: 'aws-default' };
  const policy: PasswordPolicy = {
    minimumLength: raw.minimumLength,
    requireUppercase: raw.requireUppercase ?? false,
    requireLowercase: raw.requireLowercase ?? false,
    requireNumbers: raw.requireNumbers ?? false,
    requireSymbols: raw.requireSymbols ?? false,
    allowUsersToChangePassword: raw.allowUsersToChangePassword ?? false,
    maxAgeDays: raw.maxAgeDays ?? null,
    reusePrevention: raw.reusePrevention ?? null,
    hardExpiry: raw.hardExpiry ?? false,
  };
  return { kind: 'custom', policy };
}
