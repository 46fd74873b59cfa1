/**
 * The JSON Schema (schema/iampass.schema.json) is the single source of structural rules. It is compiled at build
 * time (scripts/generate-validators.mjs) into `generated/desired-state-validator.ts`, so no run compiles it and
 * Ajv itself is never loaded; a test fails when that module is stale relative to the schema.
 */
import { readFileSync } from 'node:fs';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { validate as generated } from './generated/desired-state-validator.js';

/** Resolves from `src/config` (vitest, tsx) and from the built `dist/config` alike. */
export const SCHEMA_URL = new URL('../../schema/iampass.schema.json', import.meta.url);

let schema: AnySchemaObject | undefined;

/** The schema as JSON (for tests and tools; validation does not need it). */
export function loadSchema(): AnySchemaObject {
  schema ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as AnySchemaObject;
  return schema;
}

/**
 * The validator, compiled with `allErrors` so every problem is reported at once and `verbose` so each error carries
 * the failing value and its schema (used to word messages: ranges, allowed keys, oneOf branches).
 */
export function schemaValidator(): ValidateFunction {
  return generated as ValidateFunction;
}

/** Structural errors for `data`, or none. */
export function validateStructure(data: unknown): ErrorObject[] {
  const validate = schemaValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

/**
 * Structural errors of one account's section in a file of its own (schema/iampass-account.schema.json, written from
 * `$defs.accountSection` of the desired-state schema). Loaded only when an organization file names section files.
 */
export async function validateSectionStructure(data: unknown): Promise<ErrorObject[]> {
  const validate = (await import('./generated/account-section-validator.js')).validate as unknown as ValidateFunction;
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
