import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatDiagnostics } from '../../src/config/diagnostics.js';
import { parseConfig } from '../../src/config/load.js';
import { loadSchema, SCHEMA_URL, schemaValidator } from '../../src/config/schema.js';
import { ACCOUNT_ADVISORIES, USER_ADVISORIES } from '../../src/model/advisory-ids.js';
import { POLICY_FIELDS, POLICY_RANGES } from '../../src/model/policy.js';

type Json = Record<string, unknown>;
const schema = loadSchema() as Json;

function resolveRef(s: Json): Json {
  const ref = s.$ref;
  if (typeof ref !== 'string') return s;
  const name = ref.replace('#/$defs/', '');
  return ((schema.$defs as Json)[name] as Json | undefined) ?? s;
}

/** Every subschema with the JSON path that leads to it. */
function* walk(s: unknown, path: string): Generator<[string, Json]> {
  if (s === null || typeof s !== 'object') return;
  if (Array.isArray(s)) {
    for (const [i, x] of s.entries()) yield* walk(x, `${path}/${i}`);
    return;
  }
  const o = s as Json;
  yield [path, o];
  for (const k of ['properties', '$defs']) {
    for (const [name, sub] of Object.entries((o[k] as Json | undefined) ?? {})) yield* walk(sub, `${path}/${k}/${name}`);
  }
  for (const k of ['oneOf', 'items', 'additionalProperties', 'propertyNames']) if (k in o) yield* walk(o[k], `${path}/${k}`);
}

describe('schema/iampass.schema.json', () => {
  it('is a draft 2020-12 schema with an $id, and compiles under strict Ajv', () => {
    expect(fileURLToPath(SCHEMA_URL)).toMatch(/schema\/iampass\.schema\.json$/);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/^https:\/\/.+iampass\.schema\.json$/);
    expect(typeof schemaValidator()).toBe('function');
  });

  it('gives every property a title and a description, for editors', () => {
    const missing: string[] = [];
    for (const [path, s] of walk(schema, '#')) {
      for (const [name, sub] of Object.entries((s.properties as Json | undefined) ?? {})) {
        const r = resolveRef(sub as Json);
        if (typeof r.title !== 'string' || typeof r.description !== 'string') missing.push(`${path}/properties/${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('rejects unknown keys everywhere: every object with fixed keys has additionalProperties: false', () => {
    const open: string[] = [];
    for (const [path, s] of walk(schema, '#')) {
      if (s.type === 'object' && s.properties !== undefined && s.additionalProperties !== false) open.push(path);
      // a `$ref` to a closed definition closes it too (`user` is `userSettings` with `console` required)
      if (s.type === 'object' && s.properties === undefined && s.additionalProperties === undefined && s.$ref === undefined) open.push(path);
    }
    expect(open).toEqual([]);
  });

  it('types every branch of the passwordPolicy alternatives (the error explainer picks the branch by the value\'s type)', () => {
    const sectionPolicy = ((((schema.$defs as Json).accountSection as Json).properties as Json).passwordPolicy as Json).oneOf as Json[];
    for (const oneOf of [((schema.properties as Json).passwordPolicy as Json).oneOf as Json[], sectionPolicy]) {
      expect(oneOf.map((b) => b.type)).toEqual(['string', 'object']);
    }
  });

  it('agrees with the policy model: the same fields and IAM ranges', () => {
    const policy = (schema.$defs as Json).passwordPolicySettings as Json;
    const props = policy.properties as Record<string, Json>;
    expect(Object.keys(props)).toEqual([...POLICY_FIELDS]);
    for (const [field, range] of Object.entries(POLICY_RANGES)) {
      expect([props[field]?.minimum, props[field]?.maximum], field).toEqual([range.min, range.max]);
    }
  });

  it('accepts in acknowledge exactly the warning ids the advisories raise, each where it belongs', () => {
    const defs = schema.$defs as Record<string, Json>;
    const userAck = ((defs.userSettings?.properties as Json).acknowledge as Json).propertyNames as Json;
    const accountAck = ((defs.advisories?.properties as Json).acknowledge as Json).propertyNames as Json;
    expect(userAck.enum).toEqual([...USER_ADVISORIES]);
    expect(accountAck.enum).toEqual([...ACCOUNT_ADVISORIES]);
  });

  it('accepts the documented example and rejects a misspelt key', () => {
    const validate = schemaValidator();
    const full = parse(readFileSync(new URL('../fixtures/config/full.iampass.yaml', import.meta.url), 'utf8')) as unknown;
    expect(validate(full)).toBe(true);
    expect(validate({ version: 1, passwordPolicy: { minimumLength: 14, requireUpercase: true } })).toBe(false);
  });
});

describe('examples/', () => {
  const dir = new URL('../../examples/', import.meta.url);
  const files = existsSync(dir)
    ? readdirSync(dir).filter((f) => f === 'iampass.yaml' || f.endsWith('.iampass.yaml'))
    : [];

  it(`every example file is valid (${files.length} found)`, () => {
    const validate = schemaValidator();
    for (const f of files) {
      const path = fileURLToPath(new URL(f, dir));
      const source = readFileSync(path, 'utf8');
      expect(validate(parse(source)), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const r = parseConfig(source, path);
      expect(r.ok, r.ok ? '' : formatDiagnostics(r.diagnostics)).toBe(true);
    }
  });
});
