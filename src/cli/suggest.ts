// "Did you mean" for the CLI: the closest known word by edit distance, when it is close enough to
// be a typo rather than a different word.

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to `typed`, or null when none is within a typo's reach: at most 2 edits,
 * and fewer than half the typed word's length (so `ls` does not suggest `api`).
 */
export function closest(typed: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const reach = Math.min(2, Math.floor(typed.length / 2));
  return best !== null && bestDistance <= Math.max(1, reach) && bestDistance < typed.length ? best : null;
}

/** "; did you mean X?" or nothing. */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const suggestion = closest(typed, candidates);
  return suggestion ? `; did you mean ${suggestion}?` : '';
}
