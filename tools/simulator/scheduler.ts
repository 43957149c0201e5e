/**
 * Every timer the simulator starts (status webhooks, webhook retries, injected delays) goes through here,
 * so reset() and close() leave nothing running: timers are cleared and sleepers woken early.
 */

/** Tracks timers and sleeps; cancel() drops them, close() also refuses new ones. */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private closed = false;

  /** Runs `fn` after `ms` (nothing once closed). */
  after(ms: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, Math.max(0, ms));
    // The listening server keeps the process alive; pending simulator work alone should not.
    timer.unref();
    this.timers.add(timer);
  }

  /** Resolves after `ms`, or at once when cancelled or closed. */
  sleep(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.sleepers.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleepers.add(wake);
    });
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Drops every pending timer and wakes every sleeper. */
  cancel(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of [...this.sleepers]) wake();
  }

  /** cancel(), and no new timers from now on. */
  close(): void {
    this.closed = true;
    this.cancel();
  }
}
