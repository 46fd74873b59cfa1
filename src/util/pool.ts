/**
 * Runs `fn` over `items` with at most `limit` calls in flight, returning results in input order.
 * The bounded alternative to `Promise.all(items.map(fn))`, which would fire thousands of IAM calls at once.
 * Rejects with the first error after in-flight calls settle; starts no new call once one has failed or
 * `shouldStop` says so.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  shouldStop: () => boolean = () => false,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && !shouldStop() && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const width = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
