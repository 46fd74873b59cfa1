import { describe, expect, it } from 'vitest';
import { boundedDistance, closestMatch, createSuggester, editDistance } from '../../src/util/suggest.js';

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

/** The plain scan the index replaced: the answers the index must keep giving. */
function scanClosest(word: string, candidates: readonly string[]): string | undefined {
  const normalise = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const w = normalise(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, normalise(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  if (bestDistance <= Math.max(1, Math.floor(Math.max(w.length, normalise(best).length) / 3))) return best;
  if (w.length >= 4) {
    const prefixed = candidates.filter((c) => normalise(c).startsWith(w));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

/** The full table, as the textbook writes it: the reference for the bounded, early-stopping distance. */
function referenceDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words from a small alphabet, so near misses, transpositions, ties and shared prefixes are common. */
function word(r: () => number): string {
  const length = Math.floor(r() * 12);
  return Array.from({ length }, () => 'abcAB-_ '[Math.floor(r() * 8)]).join('');
}

describe('the suggestion index', () => {
  it('computes the same distances as the full table', () => {
    const r = random(7);
    for (let i = 0; i < 5000; i++) {
      const a = word(r);
      const b = word(r);
      expect(editDistance(a, b), `${a} / ${b}`).toBe(referenceDistance(a, b));
    }
  });

  it('bounds the distance: the exact distance up to the bound, bound + 1 beyond it', () => {
    const r = random(3);
    for (let i = 0; i < 20000; i++) {
      const a = word(r);
      const b = r() < 0.3 ? a.split('').reverse().join('') : word(r);
      const bound = Math.floor(r() * 6);
      expect(boundedDistance(a, b, bound), `${a} / ${b} within ${bound}`).toBe(Math.min(referenceDistance(a, b), bound + 1));
    }
  });

  it('gives the same answer as comparing with every candidate (2,000 random cases)', () => {
    const r = random(11);
    for (let i = 0; i < 2000; i++) {
      const candidates = Array.from({ length: Math.floor(r() * 30) }, () => word(r));
      const index = createSuggester(candidates);
      for (let k = 0; k < 5; k++) {
        const w = r() < 0.5 ? word(r) : `${candidates[Math.floor(r() * candidates.length)] ?? ''}${r() < 0.5 ? 'a' : ''}`;
        expect(index.closest(w), `${JSON.stringify(w)} in ${JSON.stringify(candidates)}`).toBe(scanClosest(w, candidates));
      }
    }
  });

  it('suggests the live user a missing name was probably meant to be, among thousands', () => {
    const live = Array.from({ length: 5000 }, (_, i) => `user-${String(i).padStart(5, '0')}`);
    const index = createSuggester([...live, 'root-ops']);
    expect(index.closest('rootops')).toBe('root-ops');
    expect(index.closest('usr-01234')).toBe('user-01234');
    expect(index.closest('ghost')).toBeUndefined();
  });
});
