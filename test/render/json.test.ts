import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import { serializePlanDocument } from '../../src/plan/document.js';
import { driftReport, type DriftReport } from '../../src/plan/drift.js';
import { PLAIN } from '../../src/render/ansi.js';
import { DRIFT_FORMATS, DRIFT_RENDERERS, PLAN_FORMATS, PLAN_RENDERERS, STATUS_FORMATS, STATUS_RENDERERS } from '../../src/render/formats.js';
import { driftDocument, renderJsonDrift, slackText } from '../../src/render/json.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile, documentOf } from '../support/builders.js';
import { schemaErrors } from '../support/schemas.js';

const CONFIG = { file: 'iampass.yaml', sha256: 'a'.repeat(64) };

function report(users = 2): DriftReport {
  const names = Array.from({ length: users }, (_, i) => `user-${i}`);
  const live = liveState({ passwordPolicy: { ...CIS_POLICY, minimumLength: 8 }, users: names.map((n) => liveUser(n, profile())) });
  const desired = desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY }, users: names.map((name) => ({ name, console: false })) });
  return driftReport({ plan: diff(desired, live), live, config: CONFIG, checkedAt: '2026-11-27T06:00:00.000Z', rules: [] });
}

describe('renderers, chosen through one map per report', () => {
  it('has every format for plans and for drift', () => {
    expect(Object.keys(PLAN_RENDERERS).sort()).toEqual([...PLAN_FORMATS].sort());
    expect(Object.keys(DRIFT_RENDERERS).sort()).toEqual([...DRIFT_FORMATS].sort());
    expect(Object.keys(STATUS_RENDERERS).sort()).toEqual([...STATUS_FORMATS].sort());
  });

  it('prints the plan as JSON: exactly the saved-plan document', () => {
    const live = liveState({ users: [liveUser('a', null)] });
    const plan = diff(desiredState({ users: [{ name: 'a' }] }), live);
    const doc = documentOf(plan, CONFIG, live);
    expect(PLAN_RENDERERS.json(doc, PLAIN)).toBe(serializePlanDocument(doc));
  });
});

describe('the JSON drift report', () => {
  it('has a stable key order, the format version first and a Slack text field last', () => {
    const r = report();
    const shuffled = JSON.parse(JSON.stringify(r), (_k, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as DriftReport;
    expect(renderJsonDrift(shuffled)).toBe(renderJsonDrift(r));
    const keys = Object.keys(JSON.parse(renderJsonDrift(r)));
    expect(keys[0]).toBe('formatVersion');
    expect(keys.at(-1)).toBe('text');
    expect(driftDocument(r)).toMatchObject({ formatVersion: 1, kind: 'drift', status: 'drifted', summary: { drifted: 3, ignored: 0 } });
  });

  it('matches schema/drift.schema.json, items of every kind included', () => {
    const live = liveState({
      passwordPolicy: { ...CIS_POLICY, minimumLength: 8 },
      users: [liveUser('bob', profile(true)), liveUser('carol', null), liveUser('dave', profile(), { passwordLastUsed: '2026-10-01T00:00:00.000Z' })],
    });
    const desired = desiredState({
      passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
      users: [{ name: 'bob', passwordResetRequired: false }, { name: 'carol' }, { name: 'dave', console: false }],
    });
    const r = driftReport({ plan: diff(desired, live), live, config: CONFIG, checkedAt: '2026-11-27T06:00:00.000Z', rules: [] });
    r.warnings.push({ id: 'IP999', message: 'm', fix: 'f' });
    const doc = JSON.parse(renderJsonDrift(r));
    expect(doc.items.map((i: { kind: string }) => i.kind)).toEqual(['policy-field', 'pending-reset', 'console', 'console']);
    expect(schemaErrors('drift', doc)).toEqual([]);
    const whole = driftReport({ plan: diff(desired, liveState({ users: live.users })), live, config: CONFIG, checkedAt: '2026-11-27T06:00:00.000Z', rules: [] });
    expect(schemaErrors('drift', JSON.parse(renderJsonDrift(whole)))).toEqual([]);
    expect(schemaErrors('drift', { ...doc, extra: true })).not.toEqual([]);
  });

  it('words the Slack text as mrkdwn, escaping what Slack treats as markup', () => {
    expect(slackText(report(1))).toBe(
      [
        '*iampass drift* in account `123456789012`: Drift: 2 items in live IAM differ from iampass.yaml.',
        '• `policy.minimumLength`: live IAM has 8; the file wants 14',
        '• `user:user-0:console`: live IAM has a console password (created 2026-01-02T03:04:05.000Z, no recorded sign-in); the file wants no console password',
      ].join('\n'),
    );
    const r = report(1);
    r.config = { ...r.config, file: 'a<b>&c.yaml' };
    expect(slackText(r)).toContain('a&lt;b&gt;&amp;c.yaml');
  });

  it('keeps the Slack text short, saying how many more items there are', () => {
    const text = slackText(report(500));
    expect(text.length).toBeLessThanOrEqual(3_100);
    expect(text).toMatch(/\n…and \d+ more \(see the job log\)\.$/);
  });
});
