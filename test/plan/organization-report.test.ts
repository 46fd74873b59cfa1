import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { organizationDocument, serializeOrganizationDocument, storedEntry, storeReport, type OrganizationAccountEntry } from '../../src/plan/organization-report.js';
import type { PlanDocument } from '../../src/plan/document.js';
import { diff } from '../../src/plan/diff.js';
import { CIS_POLICY, desiredState, documentOf, liveState, liveUser } from '../support/builders.js';

const header = {
  organization: { id: 'o-abcdefghij', managementAccount: '111111111111' },
  callerArn: 'arn:aws:iam::111111111111:user/admin',
  checkedAt: '2026-12-01T12:00:00.000Z',
  config: { file: 'org.yaml', sha256: 'a'.repeat(64) },
  files: [{ file: 'org.yaml', sha256: 'a'.repeat(64) }],
  targets: { targets: [{ id: '222222222222', name: 'b' }, { id: '333333333333', name: 'c' }], resolved: ['222222222222', '333333333333'], skipped: [], narrowedTo: [], shard: null },
  failureTolerance: 0,
};

describe('the organization document', () => {
  const desired = desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY }, users: [{ name: 'alice' }] });
  const live = liveState({ account: '222222222222', users: [liveUser('alice', null)] });
  const plan = documentOf(diff(desired, live), { file: 'org.yaml', sha256: 'a'.repeat(64) }, live);
  const entries = (stored: boolean): Array<OrganizationAccountEntry<PlanDocument>> => [
    stored
      ? storedEntry({ account: '333333333333', name: 'c', status: 'unreachable', roleArn: null, problem: { message: 'AssumeRole failed', fix: 'check the role', code: 'AccessDenied' } }, null)
      : { account: '333333333333', name: 'c', status: 'unreachable', roleArn: null, problem: { message: 'AssumeRole failed', fix: 'check the role', code: 'AccessDenied' }, report: null },
    stored
      ? storedEntry({ account: '222222222222', name: 'b', status: 'in-sync', roleArn: 'arn:aws:iam::222222222222:role/R', problem: null }, storeReport(plan))
      : { account: '222222222222', name: 'b', status: 'in-sync', roleArn: 'arn:aws:iam::222222222222:role/R', problem: null, report: plan },
  ];

  it('serialises stored reports to the same bytes as the reports themselves, accounts sorted by id', () => {
    const fromObjects = serializeOrganizationDocument(organizationDocument('plan', header, entries(false)));
    const fromStore = serializeOrganizationDocument(organizationDocument('plan', header, entries(true)));
    expect(fromStore).toBe(fromObjects);
    expect((JSON.parse(fromStore) as { accounts: Array<{ account: string }> }).accounts.map((a) => a.account)).toEqual(['222222222222', '333333333333']);
    expect(JSON.parse(fromStore)).toEqual(JSON.parse(JSON.stringify(organizationDocument('plan', header, entries(false)))));
  });

  it('keeps a stored report as UTF-8 JSON and reads a fresh copy each time', () => {
    const stored = storeReport(plan);
    expect(stored.bytes).toBe(Buffer.byteLength(JSON.stringify(plan)));
    expect(stored.read()).toEqual(plan);
    expect(stored.read()).not.toBe(stored.read());
  });

  it('writes the envelope in the order of the schema\'s properties', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schema/organization.schema.json', import.meta.url), 'utf8')) as { properties: Record<string, unknown> };
    const doc = JSON.parse(serializeOrganizationDocument(organizationDocument('plan', header, entries(true)))) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(Object.keys(schema.properties));
  });
});
