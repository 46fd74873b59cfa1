/**
 * A request to stop (Ctrl-C), shared by the command and its views: in-flight calls finish, no new one starts,
 * and the summary says what was done. Only the CLI entry wires it to SIGINT.
 */
export class StopSignal {
  private count = 0;
  private readonly listeners = new Set<() => void>();

  requested(): boolean {
    return this.count > 0;
  }

  /** Records a request; returns how many there have been. */
  request(): number {
    this.count += 1;
    if (this.count === 1) for (const listener of this.listeners) listener();
    return this.count;
  }

  /** Calls `listener` on the first request; returns a function that unsubscribes it. */
  onRequest(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
