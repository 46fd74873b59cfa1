/** "Did you mean ...?" for misspelt keys. */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  // rows i-2, i-1 and i of the DP matrix
  let prev2: number[] = new Array<number>(n + 1).fill(0);
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  let cur: number[] = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      }
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] ?? 0;
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo: same letters ignoring case and
 * `-`/`_` (`minimum_length`, `MinimumLength`), or within an edit distance of about a third of the word's length, or the only candidate it is a prefix of.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
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
  const limit = Math.max(1, Math.floor(Math.max(w.length, normalise(best).length) / 3));
  if (bestDistance <= limit) return best;
  // a truncated key (`passwordReset` for `passwordResetRequired`) is a likely slip too
  if (w.length >= 4) {
    const prefixed = candidates.filter((c) => normalise(c).startsWith(w));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}
