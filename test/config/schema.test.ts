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

describe('schema/iampass-account.schema.json (one account section in a file of its own)', () => {
  const sectionSchema = JSON.parse(readFileSync(new URL('../../schema/iampass-account.schema.json', import.meta.url), 'utf8')) as Json;

  it('is $defs.accountSection of the desired-state schema, with the definitions it uses (written by the build)', () => {
    const section = (schema.$defs as Json).accountSection as Json;
    expect(sectionSchema.properties).toEqual(section.properties);
    expect(sectionSchema.additionalProperties).toBe(false);
    for (const [name, def] of Object.entries(sectionSchema.$defs as Json)) expect(def, name).toEqual((schema.$defs as Json)[name]);
    expect(sectionSchema.$id).toBe('https://iampass.dev/schema/iampass-account.schema.json');
  });

  it('would be rewritten when the section definition changes', async () => {
    const { accountSectionSchema } = await import('../../scripts/generate-validators.mjs');
    const changed = structuredClone(schema) as { $defs: { accountSection: { properties: Json } } };
    changed.$defs.accountSection.properties.colour = { title: 'Colour', description: 'A new field.', type: 'string' };
    expect((accountSectionSchema(changed) as { properties: Json }).properties.colour).toBeDefined();
    expect(sectionSchema.properties as Json).not.toHaveProperty('colour');
  });
});

describe('examples/organization/', () => {
  const dir = new URL('../../examples/organization/', import.meta.url);
  const sectionFiles = readdirSync(new URL('accounts/', dir)).filter((f) => f.endsWith('.yaml'));

  it('validates with the published schemas, as an editor or another tool compiles them', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const ajv = new Ajv2020({ allErrors: true });
    const read = (url: URL) => parse(readFileSync(url, 'utf8')) as unknown;
    const main = ajv.compile(loadSchema());
    const section = ajv.compile(JSON.parse(readFileSync(new URL('../../schema/iampass-account.schema.json', import.meta.url), 'utf8')) as Json);
    expect(main(read(new URL('iampass.yaml', dir))), JSON.stringify(main.errors)).toBe(true);
    expect(sectionFiles.length).toBe(2);
    for (const f of sectionFiles) expect(section(read(new URL(`accounts/${f}`, dir))), `${f}: ${JSON.stringify(section.errors)}`).toBe(true);
  });

  it('points each file at its schema on its first line, for the YAML language server', () => {
    const first = (url: URL) => readFileSync(url, 'utf8').split('\n')[0] ?? '';
    const target = (url: URL) => new URL(first(url).replace(/^# yaml-language-server: \$schema=/, ''), url);
    expect(fileURLToPath(target(new URL('iampass.yaml', dir)))).toBe(fileURLToPath(SCHEMA_URL));
    for (const f of sectionFiles) {
      const url = new URL(`accounts/${f}`, dir);
      expect(first(url)).toMatch(/^# yaml-language-server: \$schema=/);
      expect(fileURLToPath(target(url))).toBe(fileURLToPath(new URL('../../schema/iampass-account.schema.json', import.meta.url)));
    }
  });
});
