/** Types of scripts/generate-validators.mjs, for the test that keeps the generated validators in step. */
export interface GeneratedValidator {
  schema: string;
  module: string;
  options: Record<string, unknown>;
}
export const VALIDATORS: readonly GeneratedValidator[];
export function renderValidator(schemaJson: object, options: Record<string, unknown>, schemaPath: string): string;
/** Every generated file (derived schemas, then validator modules) and the text it should have. */
export function renderAll(base?: string): { module: string; text: string }[];
export function staleModules(base?: string): { module: string; text: string }[];
/** A schema written from another by the build (the account-section schema, from the desired-state schema). */
export interface DerivedSchema {
  schema: string;
  from: string;
  derive(source: object): object;
}
export const DERIVED: readonly DerivedSchema[];
export function accountSectionSchema(main: object): object;
