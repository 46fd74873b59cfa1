/**
 * Reading a saved plan back: JSON, then the format version (so a newer format is named as such, not as a pile of
 * schema errors), then `schema/plan.schema.json`, the one description of the format.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { PLAN_FORMAT_VERSION, type PlanDocument } from './document.js';
import { validate as generated } from './generated/plan-validator.js';

/** Resolves from `src/plan` (vitest) and from the built `dist/plan` alike. */
export const PLAN_SCHEMA_URL = new URL('../../schema/plan.schema.json', import.meta.url);

/** The schema compiled at build time (scripts/generate-validators.mjs), with `allErrors`. */
export function planSchemaValidator(): ValidateFunction {
  return generated as ValidateFunction;
}

export type ParsedPlan =
  | { ok: true; doc: PlanDocument }
  | { ok: false; kind: 'format-version' | 'invalid'; problem: string };

export function parsePlanDocument(text: string): ParsedPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, kind: 'invalid', problem: `it is not JSON (${(error as Error).message})` };
  }
  const version = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).formatVersion : undefined;
  if (version !== PLAN_FORMAT_VERSION) {
    return {
      ok: false,
      kind: version === undefined ? 'invalid' : 'format-version',
      problem:
        version === undefined
          ? 'it has no formatVersion; it is not an iampass saved plan'
          : `it has formatVersion ${JSON.stringify(version)}, and this iampass applies formatVersion ${PLAN_FORMAT_VERSION} only`,
    };
  }
  const validate = planSchemaValidator();
  if (!validate(data)) {
    return { ok: false, kind: 'invalid', problem: `it does not match schema/plan.schema.json: ${describeErrors(validate.errors ?? [])}` };
  }
  return { ok: true, doc: data as PlanDocument };
}

/** The first few schema errors, most specific first, as `at /actions/0/kind: must be ...`. */
function describeErrors(errors: readonly ErrorObject[]): string {
  // oneOf reports every branch; the deepest errors say what is actually wrong.
  const deepest = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const e of deepest) {
    const text = `at ${e.instancePath || '/'}: ${e.message ?? 'invalid'}${
      e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''
    }`;
    if (seen.has(text)) continue;
    seen.add(text);
    parts.push(text);
    if (parts.length === 3) break;
  }
  return parts.join('; ');
}
