/**
 * Reads a desired-state file (format version 1) into a validated DesiredState, or reports every problem in it at
 * once, each at its position with a fix. Stages: YAML syntax (stop there on errors), then the JSON Schema
 * (structure), then the checks the schema cannot express (semantic.ts). `loadConfiguration` also reads organization
 * files (organization.ts), and is what every command that takes either kind calls.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { decodeText, FILE_LIMITS, FileError, readRegularFile } from '../util/files.js';
import { printable } from '../util/printable.js';
import type { DesiredState } from '../model/desired.js';
import type { ConfigFile, Configuration } from '../model/organization.js';
import { buildState, type RawConfig } from './build-state.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { diagnosticsOf, lineOf, positionOf, readDocument, readFullDocument, readPlainDocument, textOf, type ReadDocument, type SourceDoc } from './document.js';
import { explainSchemaErrors } from './explain.js';
import type { Finding } from './findings.js';
import { validateStructure } from './schema.js';
import { semanticChecks } from './semantic.js';

export { DEFAULT_GENERATED_LENGTH } from './build-state.js';

/** A file read and checked: the state with the warnings found, or every problem. */
export type LoadResult<T = DesiredState> =
  | { ok: true; state: T; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * What `loadConfiguration` gives: a `LoadResult` of the configuration, with every file read and the sha256 of its
 * bytes (the main file first), for saved plans; none for an account file read with `fingerprint: false`.
 */
export type ConfigurationResult =
  | { ok: true; state: Configuration; warnings: Diagnostic[]; files: ConfigFile[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Reads and checks `path`, an account file or an organization file (one with `organization:`). A file without
 * `organization` gives exactly what `loadConfig` gives. An organization's files are always fingerprinted. Never throws for bad input: an unreadable file is a
 * diagnostic (line 0: about the whole file).
 */
export async function loadConfiguration(path: string, options: { fingerprint?: boolean } = {}): Promise<ConfigurationResult> {
  const read = await readConfigFile(path);
  if (!read.ok) return read;
  // validate and lint never save a plan: hashing would load node:crypto, a sizeable part of their start
  const files: ConfigFile[] = options.fingerprint === false ? [] : [{ file: path, sha256: (await import('../util/sha256.js')).sha256(read.bytes) }];
  // A file that never spells the word cannot have the key: it takes the account path unchanged (and may use the
  // parse worker, whose result is an account file's).
  const account = (result: LoadResult): ConfigurationResult =>
    result.ok ? { ...result, state: { kind: 'account', desired: result.state }, files } : result;
  if (!read.text.includes('organization')) return account(await parseConfigSource(read.text, path));
  const document = readDocument(read.text, path);
  if (document.ok && isOrganization(document.converted.data)) {
    const { loadOrganization } = await import('./organization.js');
    return loadOrganization(document, path, read.bytes);
  }
  return account(checkDocument(document, path));
}

function isOrganization(data: unknown): boolean {
  return data !== null && typeof data === 'object' && Object.prototype.hasOwnProperty.call(data, 'organization');
}

/**
 * Reads and parses `path` as one account's file. Never throws: an unreadable file is a diagnostic (line 0: about the
 * whole file). An organization file is an error here: see `loadConfiguration`.
 */
export async function loadConfig(path: string): Promise<LoadResult> {
  const read = await readConfigFile(path);
  if (!read.ok) return read;
  return parseConfigSource(read.text, path);
}

/** The bytes and text of a desired-state file, or the diagnostic saying why it cannot be read. */
export type ConfigRead = { ok: true; bytes: Buffer; text: string } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Reads a desired-state file as `readRegularFile` does (a regular file within `FILE_LIMITS.desiredState`, UTF-8):
 * a FIFO, device, directory or kernel file is a diagnostic naming the file, never a wait.
 */
export async function readConfigFile(path: string): Promise<ConfigRead> {
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
 * (running from TypeScript). The worker is found as `../config/`, which holds from this module compiled in dist/config/
 * and from the executable's bundled chunks in dist/chunks/ alike.
 */
export async function parseConfigSource(source: string, file: string): Promise<LoadResult> {
  const worker = new URL('../config/parse-worker.js', import.meta.url);
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
  const { data, index, problems } = read.converted;
  const doc: SourceDoc = { file, dir: dirname(resolve(file)), data, index, positions: read.positions, problems };
  const lines = (p: string) => lineOf(doc, p);
  const findings: Finding[] = [
    ...explainSchemaErrors(validateStructure(data), { data, lineOf: lines, textOf: (p) => textOf(doc, p) }),
    ...semanticChecks(data, { lineOf: lines }),
    ...accountFileChecks(data),
  ];
  const diagnostics = [...read.diagnostics, ...diagnosticsOf(doc, findings)];
  if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  const state = buildState(data as RawConfig, (p, anchor) => positionOf(doc, p, anchor), doc.dir);
  return { ok: true, state, warnings: sortDiagnostics(diagnostics) };
}

/** The keys of an organization file, where one account's file is read. */
function accountFileChecks(data: unknown): Finding[] {
  if (data === null || typeof data !== 'object') return [];
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  if (has('organization')) {
    return [
      {
        severity: 'error',
        pointer: '/organization',
        anchor: 'key',
        message: 'this is an organization file (it has `organization:`), and this reads one account\'s file',
        hint: 'give this command the file of one account (`iampass validate` and `iampass lint` read organization files too)',
      },
    ];
  }
  if (!has('accounts')) return [];
  return [
    {
      severity: 'error',
      pointer: '/accounts',
      anchor: 'key',
      message: '`accounts` (per-account sections) belongs in an organization file, and this file has no `organization:`',
      hint: 'add `organization: { targets: { all: true } }` (or the targets you mean) to govern several accounts, or remove `accounts`',
    },
  ];
}
