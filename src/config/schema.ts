/**
 * The JSON Schema (schema/iampass.schema.json) is the single source of structural rules; this module loads and
 * compiles it once, on first use.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

/** Resolves from `src/config` (vitest, tsx) and from the built `dist/config` alike. */
export const SCHEMA_URL = new URL('../../schema/iampass.schema.json', import.meta.url);

let schema: AnySchemaObject | undefined;
let validator: ValidateFunction | undefined;

export function loadSchema(): AnySchemaObject {
  schema ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as AnySchemaObject;
  return schema;
}

/**
 * The compiled validator. `allErrors` so every problem is reported at once; `verbose` so each error carries the
 * failing value and its schema (used to word messages: ranges, allowed keys, oneOf branches).
 */
export function schemaValidator(): ValidateFunction {
  if (validator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
    validator = ajv.compile(loadSchema());
  }
  return validator;
}

/** Structural errors for `data`, or none. */
export function validateStructure(data: unknown): ErrorObject[] {
  const validate = schemaValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
