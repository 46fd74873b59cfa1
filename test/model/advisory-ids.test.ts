import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_ADVISORIES, USER_ADVISORIES } from '../../src/model/advisory-ids.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('warning ids', () => {
  it('are unique and split between user and account warnings', () => {
    const all = [...USER_ADVISORIES, ...ACCOUNT_ADVISORIES];
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^IP1\d\d$/);
  });

  it('each has a row in the README warning table, with its meaning and fix', () => {
    const rows = README.split('\n').filter((line) => /^\| `IP\d{3}` \|/.test(line));
    const documented = rows.map((row) => row.slice(3, 8));
    expect(documented).toEqual([...ACCOUNT_ADVISORIES, ...USER_ADVISORIES].sort());
    for (const row of rows) expect(row.split('|').length).toBe(5);
  });
});
