/**
 * Reading an organization document back (a saved organization plan for `apply FILE`, a shard's report for
 * `merge-reports`): JSON, then the kind and format version (named as such, not as a pile of schema errors), then
 * `schema/organization.schema.json`, which checks each account's document against its own schema.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchemaObject, ValidateFunction } from 'ajv/dist/2020.js';
import { ORGANIZATION_FORMAT_VERSION, type OrganizationDocument } from './organization-report.js';

const schema = (name: string) => JSON.parse(readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), 'utf8')) as AnySchemaObject;

let validator: ValidateFunction | undefined;

export function organizationSchemaValidator(): ValidateFunction {
  if (validator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    for (const name of ['plan', 'drift', 'status']) ajv.addSchema(schema(name));
    validator = ajv.compile(schema('organization'));
  }
  return validator;
}

export type ParsedOrganization = { ok: true; doc: OrganizationDocument } | { ok: false; problem: string };

/** Whether parsed JSON claims to be an organization document (by its `kind`), whatever else is wrong with it. */
export function isOrganizationDocument(data: unknown): boolean {
  return typeof data === 'object' && data !== null && typeof (data as { kind?: unknown }).kind === 'string' && (data as { kind: string }).kind.startsWith('organization-');
}

export function parseOrganizationDocument(data: unknown): ParsedOrganization {
  if (!isOrganizationDocument(data)) return { ok: false, problem: 'it is not an iampass organization report (no `kind: organization-...`)' };
  const version = (data as { formatVersion?: unknown }).formatVersion;
  if (version !== ORGANIZATION_FORMAT_VERSION) {
    return { ok: false, problem: `it has formatVersion ${JSON.stringify(version)}, and this iampass reads organization reports of formatVersion ${ORGANIZATION_FORMAT_VERSION} only` };
  }
  const validate = organizationSchemaValidator();
  if (!validate(data)) {
    const errors = (validate.errors ?? []).sort((a, b) => b.instancePath.length - a.instancePath.length).slice(0, 3);
    return { ok: false, problem: `it does not match schema/organization.schema.json: ${errors.map((e) => `at ${e.instancePath || '/'}: ${e.message ?? 'invalid'}`).join('; ')}` };
  }
  return { ok: true, doc: data as OrganizationDocument };
}
