import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../src/util/suggest.js';

const POLICY = ['minimumLength', 'requireUppercase', 'requireLowercase', 'maxAgeDays', 'reusePrevention', 'hardExpiry'];

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('console', 'consle')).toBe(1);
    expect(editDistance('console', 'cnosole')).toBe(1);
  });
});

describe('closestMatch', () => {
  it.each([
    ['requireUpercase', 'requireUppercase'],
    ['minimum_length', 'minimumLength'],
    ['MaxAgeDays', 'maxAgeDays'],
    ['reuse', 'reusePrevention'],
    ['hardexpiry', 'hardExpiry'],
  ])('%s -> %s', (word, expected) => {
    expect(closestMatch(word, POLICY)).toBe(expected);
  });

  it('suggests nothing for an unrelated word', () => {
    expect(closestMatch('colour', POLICY)).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });
});
