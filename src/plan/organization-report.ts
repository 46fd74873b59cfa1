/**
 * An organization run's document: the plan, drift or status of every target account in one versioned JSON document
 * (`schema/organization.schema.json`), what `plan --out` saves for `apply PLANFILE`, what `--format json` prints, and
 * what `iampass merge-reports` combines from shards. Pure: no I/O.
 *
 * Each account entry holds the account's own document exactly as the one-account command writes it (a saved plan, a
 * drift report, a status report), or the problem that kept it from having one. It holds no secret: the account
 * documents hold none by construction, and a problem quotes only AWS's error message.
 */
import type { ConfigFile } from '../model/organization.js';
import type { AccountProblem, AccountStatus, TargetRecord } from '../model/organization-tree.js';
import { byCodePoint } from '../util/compare.js';
import { canonicalize } from './canonical.js';
import { canonicalDocument, type ConfigFingerprint, type PlanDocument } from './document.js';
import { DRIFT_KEY_ORDER, type DriftReport } from './drift.js';
import { STATUS_KEY_ORDER, type StatusReport } from './status.js';

export const ORGANIZATION_FORMAT_VERSION = 1;

/** Which command made the document, and so what each account's `report` is. */
export interface OrganizationReports {
  plan: PlanDocument;
  drift: DriftReport;
  status: StatusReport;
}
export type OrganizationKind = keyof OrganizationReports;

/** One target account: how it ended, how it was reached, and its own document when it has one. */
export interface OrganizationAccountEntry<R> {
  account: string;
  name: string;
  status: AccountStatus;
  /** The role assumed to reach it; `null` for the caller's own account or when it was never reached. */
  roleArn: string | null;
  problem: AccountProblem | null;
  report: R | null;
}

export interface OrganizationSummary {
  accounts: number;
  inSync: number;
  changes: number;
  error: number;
  unreachable: number;
  skipped: number;
  /** `error` + `unreachable`; the run fails when this exceeds `failureTolerance`. */
  failed: number;
  /** Plans only: actions over every account. */
  add?: number;
  change?: number;
  destroy?: number;
}

/**
 * Invariant: `accounts` is sorted by account id, holds each account of `targets.targets` exactly once and no other,
 * and `summary` counts it.
 */
export interface OrganizationDocument<K extends OrganizationKind = OrganizationKind> {
  formatVersion: typeof ORGANIZATION_FORMAT_VERSION;
  kind: `organization-${K}`;
  organization: { id: string; managementAccount: string };
  callerArn: string;
  /** ISO 8601: when the run started. */
  checkedAt: string;
  /** The main configuration file; `files` has it first, then every section file. */
  config: ConfigFingerprint;
  files: ConfigFile[];
  targets: TargetRecord;
  failureTolerance: number;
  summary: OrganizationSummary;
  accounts: Array<OrganizationAccountEntry<OrganizationReports[K]>>;
}

/**
 * One account's report as a run keeps it between the account's turn and the output: its JSON, UTF-8, a fraction of
 * the objects' size, read back (parsed afresh) whenever it is needed. What bounds an organization run's memory:
 * per account this, and the live state of at most `--max-concurrent-accounts` accounts at a time.
 */
export interface StoredReport<R> {
  readonly bytes: number;
  read(): R;
}

export function storeReport<R>(report: R): StoredReport<R> {
  const json = Buffer.from(JSON.stringify(report), 'utf8');
  return { bytes: json.length, read: () => JSON.parse(json.toString('utf8')) as R };
}

/** An entry whose `report` is read from its stored form on each access (enumerable, so it serialises as the object). */
export function storedEntry<R>(entry: Omit<OrganizationAccountEntry<R>, 'report'>, stored: StoredReport<R> | null): OrganizationAccountEntry<R> {
  const { account, name, status, roleArn, problem } = entry;
  const out = { account, name, status, roleArn, problem } as OrganizationAccountEntry<R>;
  Object.defineProperty(out, 'report', { enumerable: true, get: () => (stored === null ? null : stored.read()) });
  return out;
}

export interface OrganizationHeader {
  organization: { id: string; managementAccount: string };
  callerArn: string;
  checkedAt: string;
  config: ConfigFingerprint;
  files: readonly ConfigFile[];
  targets: TargetRecord;
  failureTolerance: number;
}

export function organizationDocument<K extends OrganizationKind>(
  kind: K,
  header: OrganizationHeader,
  entries: ReadonlyArray<OrganizationAccountEntry<OrganizationReports[K]>>,
): OrganizationDocument<K> {
  const accounts = [...entries].sort((a, b) => byCodePoint(a.account, b.account));
  return {
    formatVersion: ORGANIZATION_FORMAT_VERSION,
    kind: `organization-${kind}`,
    ...header,
    files: [...header.files],
    summary: summarizeOrganization(kind, accounts, header.targets.skipped.length),
    accounts,
  };
}

export function summarizeOrganization<K extends OrganizationKind>(
  kind: K,
  accounts: ReadonlyArray<OrganizationAccountEntry<OrganizationReports[K]>>,
  skipped: number,
): OrganizationSummary {
  const count = (status: AccountStatus) => accounts.filter((a) => a.status === status).length;
  const summary: OrganizationSummary = {
    accounts: accounts.length,
    inSync: count('in-sync'),
    changes: count('changes'),
    error: count('error'),
    unreachable: count('unreachable'),
    skipped,
    failed: count('error') + count('unreachable'),
  };
  if (kind === 'plan') {
    const plans = accounts.flatMap((a) => (a.report ? [a.report as PlanDocument] : []));
    summary.add = plans.reduce((n, p) => n + p.summary.add, 0);
    summary.change = plans.reduce((n, p) => n + p.summary.change, 0);
    summary.destroy = plans.reduce((n, p) => n + p.summary.destroy, 0);
  }
  return summary;
}

/** Whether more accounts failed than the tolerance allows. */
export function exceedsTolerance(doc: Pick<OrganizationDocument, 'summary' | 'failureTolerance'>): boolean {
  return doc.summary.failed > doc.failureTolerance;
}

/** The document kind's account status for a status report: `changes` when anyone's console access is not what the file says. */
export function statusReportStatus(report: StatusReport): 'in-sync' | 'changes' {
  return report.users.some((u) => u.console !== null && u.console !== (u.desired === 'console')) ? 'changes' : 'in-sync';
}

const ORGANIZATION_KEY_ORDER = [
  'formatVersion',
  'kind',
  'organization',
  'id',
  'managementAccount',
  'callerArn',
  'checkedAt',
  'config',
  'files',
  'file',
  'sha256',
  'targets',
  'name',
  'resolved',
  'skipped',
  'reason',
  'narrowedTo',
  'shard',
  'index',
  'count',
  'failureTolerance',
  'summary',
  'accounts',
  'inSync',
  'changes',
  'error',
  'unreachable',
  'failed',
  'add',
  'change',
  'destroy',
  'account',
  'status',
  'roleArn',
  'problem',
  'message',
  'fix',
  'code',
  'report',
] as const;

/**
 * The document as JSON text: keys in a fixed order at every level (each account's report in its own format's order).
 * Built an account at a time, so only one account's report is ever held as objects.
 */
export function serializeOrganizationDocument(doc: OrganizationDocument): string {
  return [...organizationDocumentChunks(doc)].join('');
}

/** The same text, an account at a time: for a writer that never holds the whole document. */
export function* organizationDocumentChunks(doc: OrganizationDocument): Generator<string, void, undefined> {
  const marker = JSON.stringify('\u0000accounts');
  const envelope = JSON.stringify(canonicalize({ ...doc, accounts: '\u0000accounts' }, ORGANIZATION_KEY_ORDER), null, 2);
  const at = envelope.indexOf(marker);
  yield envelope.slice(0, at);
  if (doc.accounts.length === 0) yield '[]';
  for (let k = 0; k < doc.accounts.length; k++) {
    const entry = doc.accounts[k] as OrganizationAccountEntry<unknown>;
    const { account, name, status, roleArn, problem } = entry;
    const report = entry.report;
    const canonical = { ...(canonicalize({ account, name, status, roleArn, problem }, ORGANIZATION_KEY_ORDER) as object), report: report === null ? null : canonicalReport(doc.kind, report) };
    yield `${k === 0 ? '[\n    ' : ',\n    '}${JSON.stringify(canonical, null, 2).replace(/\n/g, '\n    ')}${k === doc.accounts.length - 1 ? '\n  ]' : ''}`;
  }
  yield `${envelope.slice(at + marker.length)}\n`;
}

function canonicalReport(kind: OrganizationDocument['kind'], report: unknown): unknown {
  if (kind === 'organization-plan') return canonicalDocument(report as PlanDocument);
  if (kind === 'organization-drift') return canonicalize(report, DRIFT_KEY_ORDER);
  return canonicalize(report, STATUS_KEY_ORDER);
}
