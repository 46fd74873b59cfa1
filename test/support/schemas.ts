/** The published JSON Schemas, compiled as a consumer would (Ajv, draft 2020-12, strict). */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';

const compiled = new Map<string, ValidateFunction>();

export function schemaValidator(name: 'drift' | 'plan' | 'status'): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = JSON.parse(readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), 'utf8')) as object;
    validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

/** The schema errors of `data`, as `path: message` lines; empty when it is valid. */
export function schemaErrors(name: 'drift' | 'plan' | 'status', data: unknown): string[] {
  const validate = schemaValidator(name);
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? ''}`);
}
