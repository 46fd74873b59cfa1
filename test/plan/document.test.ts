import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import { canonicalDocument, PLAN_KEY_ORDER, planOf, serializePlanDocument, type PlanDocument } from '../../src/plan/document.js';
import { DRIFT_KEY_ORDER } from '../../src/plan/drift.js';
import { STATUS_KEY_ORDER } from '../../src/plan/status.js';
import { parsePlanDocument, PLAN_SCHEMA_URL } from '../../src/plan/saved.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile, documentOf } from '../support/builders.js';

const CONFIG = { file: 'iampass.yaml', sha256: 'a'.repeat(64) };

/** A plan with one action of every kind it can have at once, and the document saved from it. */
function sample(): PlanDocument {
  const desired = desiredState({
    passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
    users: [{ name: 'alice' }, { name: 'bob', console: false }, { name: 'carol', passwordResetRequired: false }, { name: 'erin' }],
    scope: { unlisted: 'disable', protected: ['breakglass'] },
  });
  const live = liveState({
    passwordPolicy: { ...CIS_POLICY, minimumLength: 8 },
    users: [
      liveUser('alice', null),
      liveUser('bob', profile(), { passwordLastUsed: '2026-10-01T00:00:00.000Z' }),
      liveUser('breakglass', profile()),
      liveUser('carol', profile(true)),
      liveUser('erin', profile()),
    ],
  });
  const plan = diff(desired, live);
  return documentOf(plan, CONFIG, live);
}

describe('the saved plan document', () => {
  it('records the live policy and the login profile of exactly the users an action touches, by name', () => {
    const doc = sample();
    expect(doc.basis.passwordPolicy).toEqual({ ...CIS_POLICY, minimumLength: 8 });
    expect(doc.basis.users).toEqual([
      { name: 'alice', path: '/', tags: {}, loginProfile: null },
      { name: 'bob', path: '/', tags: {}, loginProfile: profile() },
      { name: 'carol', path: '/', tags: {}, loginProfile: profile(true) },
    ]);
  });

  it('is the Plan plus its config fingerprint and basis, and gives the Plan back unchanged', () => {
    const doc = sample();
    expect(doc.formatVersion).toBe(2);
    expect(doc.config).toEqual(CONFIG);
    const plan = planOf(doc, '/work');
    expect(plan).not.toHaveProperty('config');
    expect(plan).not.toHaveProperty('basis');
    expect(plan.actions.map((a) => a.kind)).toEqual(['update-password-policy', 'create-login-profile', 'update-login-profile', 'delete-login-profile']);
  });

  it('serialises with the schema key order whatever order its objects were built in', () => {
    const doc = sample();
    const shuffled = JSON.parse(JSON.stringify(doc), (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    ) as PlanDocument;
    expect(Object.keys(shuffled)[0]).toBe('basis');
    expect(serializePlanDocument(shuffled)).toBe(serializePlanDocument(doc));

    const schema = JSON.parse(readFileSync(PLAN_SCHEMA_URL, 'utf8')) as { properties: Record<string, unknown> };
    expect(Object.keys(canonicalDocument(shuffled))).toEqual(Object.keys(schema.properties).filter((k) => k in doc));
    expect(Object.keys(JSON.parse(serializePlanDocument(doc)).basis.passwordPolicy)).toEqual(Object.keys(CIS_POLICY));
  });

  it('reads back what it wrote, validated by schema/plan.schema.json', () => {
    const text = serializePlanDocument(sample());
    const parsed = parsePlanDocument(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(serializePlanDocument(parsed.doc)).toBe(text);
  });

  it('has no place for a password: the schema rejects one wherever it is put', () => {
    const doc = JSON.parse(serializePlanDocument(sample()));
    const create = doc.actions.find((a: { kind: string }) => a.kind === 'create-login-profile');
    create.after.password = { kind: 'generate', length: 20, value: 'Hunter2-Hunter2!' };
    const withValue = parsePlanDocument(JSON.stringify(doc));
    expect(withValue).toMatchObject({ ok: false, kind: 'invalid' });
    if (!withValue.ok) expect(withValue.problem).toContain('/actions/1/after/password');

    create.after.password = 'Hunter2-Hunter2!';
    expect(parsePlanDocument(JSON.stringify(doc)).ok).toBe(false);
    create.after.password = { kind: 'generate', length: 20 };
    doc.password = 'Hunter2-Hunter2!';
    expect(parsePlanDocument(JSON.stringify(doc)).ok).toBe(false);
  });

  it('names another format version as such, not as schema errors', () => {
    const doc = JSON.parse(serializePlanDocument(sample()));
    doc.formatVersion = 1;
    expect(parsePlanDocument(JSON.stringify(doc))).toEqual({
      ok: false,
      kind: 'format-version',
      problem: 'it has formatVersion 1, and this iampass applies formatVersion 2 only',
    });
  });

  it('refuses what is not a saved plan at all', () => {
    expect(parsePlanDocument('not json')).toMatchObject({ ok: false, kind: 'invalid' });
    expect(parsePlanDocument('{"version": 1}')).toEqual({ ok: false, kind: 'invalid', problem: 'it has no formatVersion; it is not an iampass saved plan' });
  });
});

describe('key order and schema agree', () => {
  /** Every `properties` map in a schema, with where it is. */
  function propertyLists(schema: unknown, at = '#'): Array<[string, string[]]> {
    if (schema === null || typeof schema !== 'object') return [];
    if (Array.isArray(schema)) return schema.flatMap((s, i) => propertyLists(s, `${at}/${i}`));
    const out: Array<[string, string[]]> = [];
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'properties' && v && typeof v === 'object') out.push([at, Object.keys(v)]);
      out.push(...propertyLists(v, `${at}/${k}`));
    }
    return out;
  }

  it.each([
    ['plan', PLAN_KEY_ORDER],
    ['drift', DRIFT_KEY_ORDER],
    ['status', STATUS_KEY_ORDER],
  ] as const)('every object in schema/%s.schema.json lists its properties in the order they are written', (name, order) => {
    const rank = new Map<string, number>(order.map((k, i) => [k, i]));
    const schema = JSON.parse(readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), 'utf8'));
    for (const [where, keys] of propertyLists(schema)) {
      for (const key of keys) expect(rank.has(key), `${where}: ${key} has no place in the key order`).toBe(true);
      expect(keys, where).toEqual([...keys].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0)));
    }
  });

  it('keeps a field the order does not name (after the named ones) instead of dropping it', () => {
    const doc = sample();
    const create = doc.actions[1] as PlanDocument['actions'][number] & Record<string, unknown>;
    create.addedLater = { kind: 'operator' };
    const written = JSON.parse(serializePlanDocument(doc)).actions[1];
    expect(Object.keys(written)).toEqual(['kind', 'user', 'reason', 'before', 'after', 'delivery', 'addedLater']);
    // ...and the schema, which admits no unknown field, then refuses it: a new field is a schema change
    expect(parsePlanDocument(serializePlanDocument(doc)).ok).toBe(false);
  });
});
