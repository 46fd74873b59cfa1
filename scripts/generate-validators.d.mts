/** Types of scripts/generate-validators.mjs, for the test that keeps the generated validators in step. */
export interface GeneratedValidator {
  schema: string;
  module: string;
  options: Record<string, unknown>;
}
export const VALIDATORS: readonly GeneratedValidator[];
export function renderValidator(schemaJson: object, options: Record<string, unknown>, schemaPath: string): string;
export function renderAll(base?: string): { module: string; text: string }[];
export function staleModules(base?: string): { module: string; text: string }[];
