/** "Did you mean ...?" for misspelt keys and names. */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  return boundedDistance(a, b, Math.max(a.length, b.length));
}

/** Rows of the distance table, reused across calls (the distance is computed for many pairs in a row). */
let rows = [new Int32Array(0), new Int32Array(0), new Int32Array(0)] as const;

/**
 * `editDistance(a, b)` if it is at most `bound`, else `bound + 1`: stops as soon as every cell of a row exceeds the
 * bound, and skips pairs whose lengths alone differ by more.
 */
function boundedDistance(a: string, b: string, bound: number): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > bound) return bound + 1;
  if (m === 0) return n;
  if (n === 0) return m;
  if ((rows[0]?.length ?? 0) < n + 1) rows = [new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1)];
  let [prev2, prev, cur] = rows;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // a transposition reads two rows back, so a row over the bound can still be followed by one within it only
    // through that row's neighbour: both rows over the bound settle it
    if (rowMin > bound && i > 1 && minOf(prev, n) > bound) return bound + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  const d = prev[n] as number;
  return d > bound ? bound + 1 : d;
}

function minOf(row: Int32Array, n: number): number {
  let min = Infinity;
  for (let j = 0; j <= n; j++) if ((row[j] as number) < min) min = row[j] as number;
  return min;
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, '');
}

/** The candidate a misspelling is likeliest to mean, if any; see `closestMatch`. */
export interface Suggester {
  closest(word: string): string | undefined;
}

/** Character counts of ASCII text, for a lower bound on the edit distance that costs one pass over a name. */
class Letters {
  private readonly wanted = new Int16Array(128);
  private readonly used = new Int16Array(128);
  private length = 0;
  private ascii = false;

  /** Counts the letters of the word the candidates are compared with. */
  set(word: string): void {
    this.wanted.fill(0);
    this.length = word.length;
    this.ascii = isAscii(word);
    if (this.ascii) for (let i = 0; i < word.length; i++) (this.wanted[word.charCodeAt(i)] as number)++;
  }

  /**
   * How many letters of the two cannot be matched whatever their order (the "bag distance"): no edit distance is
   * smaller, since an edit changes at most one letter on each side and a transposition none. 0 if unknown.
   */
  lowerBound(codes: Uint8Array | null): number {
    if (codes === null || !this.ascii) return 0;
    let common = 0;
    for (const k of codes) {
      if ((this.used[k] as number) < (this.wanted[k] as number)) {
        (this.used[k] as number)++;
        common++;
      }
    }
    for (const k of codes) this.used[k] = 0;
    return Math.max(this.length, codes.length) - common;
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * An index of `candidates` for many `closest` calls: the candidates are normalised once and bucketed by length; a
 * word is compared only with lengths that could be close enough, first by counting letters (one pass, no table),
 * then by a distance that stops as soon as it cannot beat the best so far; prefixes are found by binary search. Same
 * answers as comparing with every candidate (the tests hold it to that); 4,000 names against 1,000 took 16 s before.
 */
export function createSuggester(candidates: readonly string[]): Suggester {
  const normalised = candidates.map(normalise);
  const codes = normalised.map((c) => (isAscii(c) ? Uint8Array.from(c, (ch) => ch.charCodeAt(0)) : null));
  const letters = new Letters();
  const byLength = new Map<number, number[]>();
  normalised.forEach((c, i) => {
    const list = byLength.get(c.length);
    if (list === undefined) byLength.set(c.length, [i]);
    else list.push(i);
  });
  const sorted = normalised.map((c, i) => [c, i] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const nearest = (w: string): { index: number; distance: number } | undefined => {
    // no candidate further than this can pass the limit below (see `closestMatch`), so none is looked at
    let bound = Math.max(1, Math.floor(w.length / 2));
    letters.set(w);
    // candidates by how many letters they cannot share with the word (a lower bound on the distance): the likeliest
    // are measured first, so the bound tightens early, and the measuring stops at the first group beyond it
    const byLetters: number[][] = Array.from({ length: bound + 1 }, () => []);
    for (let length = Math.max(0, w.length - bound); length <= w.length + bound; length++) {
      for (const i of byLength.get(length) ?? []) {
        const lower = letters.lowerBound(codes[i] as Uint8Array | null);
        if (lower <= bound) (byLetters[lower] as number[]).push(i);
      }
    }
    let best: { index: number; distance: number } | undefined;
    for (let lower = 0; lower <= bound; lower++) {
      for (const i of byLetters[lower] as number[]) {
        const d = boundedDistance(w, normalised[i] as string, bound);
        if (d > bound) continue;
        // the first candidate in input order wins a tie, as a plain scan would have it
        if (best === undefined || d < best.distance || (d === best.distance && i < best.index)) best = { index: i, distance: d };
        bound = d;
      }
    }
    return best;
  };

  const onlyWithPrefix = (w: string): string | undefined => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid]?.[0] as string) < w) lo = mid + 1;
      else hi = mid;
    }
    const first = sorted[lo];
    if (first === undefined || !first[0].startsWith(w)) return undefined;
    const second = sorted[lo + 1];
    return second !== undefined && second[0].startsWith(w) ? undefined : candidates[first[1]];
  };

  return {
    closest(word) {
      const w = normalise(word);
      const best = nearest(w);
      if (best !== undefined) {
        const limit = Math.max(1, Math.floor(Math.max(w.length, (normalised[best.index] as string).length) / 3));
        if (best.distance <= limit) return candidates[best.index];
      }
      // a truncated key (`passwordReset` for `passwordResetRequired`) is a likely slip too
      return w.length >= 4 ? onlyWithPrefix(w) : undefined;
    },
  };
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo: same letters ignoring case and
 * `-`/`_` (`minimum_length`, `MinimumLength`), or within an edit distance of about a third of the word's length, or
 * the only candidate it is a prefix of. For many words against the same candidates, use `createSuggester` once.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  return createSuggester(candidates).closest(word);
}
