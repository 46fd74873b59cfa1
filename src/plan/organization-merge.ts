/**
 * Merging the reports of one run split into shards (`--shard i/N`, a GitHub Actions matrix or a Kubernetes Indexed
 * Job) into the report one unsplit run would have written. Pure.
 *
 * The shards must be of one run: the same kind, organization, configuration files (by sha256), resolved accounts
 * and shard count, each shard at most once, no account twice. A shard whose report is missing (its job died before
 * writing it) does not block the merge: each account it should have covered appears as an `error` saying so, so
 * the merged run fails as it should, and says why.
 */
import type { OrganizationDocument, OrganizationKind } from './organization-report.js';
import { organizationDocument } from './organization-report.js';
import { shardTargets } from './targets.js';

export type MergeResult = { ok: true; doc: OrganizationDocument } | { ok: false; problems: string[] };

export function mergeOrganizationDocuments(inputs: ReadonlyArray<{ name: string; doc: OrganizationDocument }>, failureTolerance?: number): MergeResult {
  const first = inputs[0];
  if (first === undefined) return { ok: false, problems: ['no reports to merge'] };
  const problems = inputs.slice(1).flatMap(({ name, doc }) => sameRun(first, { name, doc }));
  const seenShards = new Map<number, string>();
  const seenAccounts = new Map<string, string>();
  for (const { name, doc } of inputs) {
    const shard = doc.targets.shard;
    if (shard !== null) {
      const other = seenShards.get(shard.index);
      if (other !== undefined) problems.push(`${name} and ${other} are both shard ${shard.index}/${shard.count}`);
      seenShards.set(shard.index, name);
    }
    for (const entry of doc.accounts) {
      const other = seenAccounts.get(entry.account);
      if (other !== undefined && other !== name) problems.push(`${name} and ${other} both report account ${entry.account}`);
      seenAccounts.set(entry.account, name);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const kind = first.doc.kind.slice('organization-'.length) as OrganizationKind;
  const count = first.doc.targets.shard?.count ?? 1;
  const missingShard = (account: string) => {
    for (let index = 1; index <= count; index++) {
      if (shardTargets(first.doc.targets.resolved.map((id) => ({ id })), { index, count }).some((t) => t.id === account)) return index;
    }
    return 1;
  };
  const names = new Map(inputs.flatMap(({ doc }) => doc.targets.targets.map((t) => [t.id, t.name] as const)));
  const entries = inputs.flatMap(({ doc }) => doc.accounts);
  for (const account of first.doc.targets.resolved) {
    if (seenAccounts.has(account)) continue;
    const index = missingShard(account);
    entries.push({
      account,
      name: names.get(account) ?? '',
      status: 'error',
      roleArn: null,
      report: null,
      problem: { message: `no report covers this account: the report of shard ${index}/${count} is missing`, fix: `run shard ${index}/${count} again and merge its report`, code: null },
    });
  }
  const doc = organizationDocument(
    kind,
    {
      organization: first.doc.organization,
      callerArn: first.doc.callerArn,
      checkedAt: inputs.map(({ doc }) => doc.checkedAt).sort()[0] ?? first.doc.checkedAt,
      config: first.doc.config,
      files: first.doc.files,
      targets: {
        targets: entries.map((e) => ({ id: e.account, name: e.name })).sort((a, b) => (a.id < b.id ? -1 : 1)),
        resolved: first.doc.targets.resolved,
        skipped: first.doc.targets.skipped,
        narrowedTo: first.doc.targets.narrowedTo,
        shard: null,
      },
      failureTolerance: failureTolerance ?? Math.max(...inputs.map(({ doc }) => doc.failureTolerance)),
    },
    entries as never,
  );
  return { ok: true, doc };
}

/** What must be the same in two shards of one run, each difference named. */
function sameRun(a: { name: string; doc: OrganizationDocument }, b: { name: string; doc: OrganizationDocument }): string[] {
  const problems: string[] = [];
  const differ = (what: string, x: unknown, y: unknown) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) problems.push(`${b.name} is not a shard of the same run as ${a.name}: ${what} differs (${JSON.stringify(y)} against ${JSON.stringify(x)})`);
  };
  differ('the kind', a.doc.kind, b.doc.kind);
  differ('the organization', a.doc.organization.id, b.doc.organization.id);
  differ('the configuration', a.doc.files, b.doc.files);
  differ('the shard count', a.doc.targets.shard?.count ?? null, b.doc.targets.shard?.count ?? null);
  if (JSON.stringify(a.doc.targets.resolved) !== JSON.stringify(b.doc.targets.resolved)) {
    problems.push(`${b.name} is not a shard of the same run as ${a.name}: they resolved different target accounts (the organization or the file changed between them)`);
  }
  return problems;
}
