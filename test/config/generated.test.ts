import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderValidator, staleModules, VALIDATORS } from '../../scripts/generate-validators.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('validators compiled at build time', () => {
  it('are up to date with their schemas (run `npm run build` after changing a schema)', () => {
    expect(staleModules(ROOT).map((m) => m.module)).toEqual([]);
  });

  it.each(VALIDATORS.map((v) => [v.schema, v] as const))('would be reported stale if %s changed', (_, v) => {
    const schema = JSON.parse(readFileSync(new URL(`../../${v.schema}`, import.meta.url), 'utf8')) as { description?: string };
    const changed = { ...schema, description: `${schema.description ?? ''} (changed)` };
    const committed = readFileSync(new URL(`../../${v.module}`, import.meta.url), 'utf8');
    expect(renderValidator(schema, v.options, v.schema)).toBe(committed);
    expect(renderValidator(changed, v.options, v.schema)).not.toBe(committed);
  });
});

describe('the generated desired-state validator', () => {
  it('appends each value\'s errors instead of copying the list for every value (linear in the number of users)', () => {
    for (const v of VALIDATORS) {
      expect(readFileSync(new URL(`../../${v.module}`, import.meta.url), 'utf8')).not.toContain('vErrors.concat(');
    }
  });
});
