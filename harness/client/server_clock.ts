/**
 * When a client case's server last did something the client was waiting for: the client's wait
 * for its exit counts from there, not from its launch, so a slow launch (a loaded machine) or a
 * server's own scripted pause does not eat the time a client is given once it has all it needs.
 *
 * @module
 */

/** The server's last act the client could wait for, or `busy` while the server pauses on purpose. */
export type Quiet = { atMs: number; what: string } | "busy" | null;

/**
 * The moments a client's wait counts from: the server {@linkcode ServerClock.mark}s each act
 * toward the client (an accept, a datagram received, a send, a close, a reset) and
 * {@linkcode ServerClock.hold}s the clock while it pauses on purpose (a slow reply's delay).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ServerClock } from "./server_clock.ts";
 * const clock = new ServerClock();
 * assertEquals(clock.quiet(), null); // nothing yet: the wait counts from the launch
 * const changed = clock.changed();
 * const pause = clock.hold(new Promise((r) => setTimeout(r, 10)));
 * assertEquals(clock.quiet(), "busy"); // pausing on purpose: the wait does not run
 * await changed;
 * await pause;
 * clock.mark("the server's last send");
 * const quiet = clock.quiet();
 * assertEquals(quiet !== null && quiet !== "busy" && quiet.what, "the server's last send");
 * ```
 */
export class ServerClock {
  #last: { atMs: number; what: string } | null = null;
  #held = 0;
  #wake: (() => void)[] = [];

  /** The server just did `what` (`the server's last send`), at `performance.now()`. */
  mark(what: string): void {
    this.#last = { atMs: performance.now(), what };
    this.#changed();
  }

  /** Holds the clock until `pause` settles: a pause of the server's own is no time of the client's. */
  async hold<T>(pause: Promise<T>): Promise<T> {
    this.#held++;
    this.#changed();
    try {
      return await pause;
    } finally {
      this.#held--;
      this.mark("the server's pause ended");
    }
  }

  /** The server's last act (time and words), `busy` while it pauses, `null` before it acted. */
  quiet(): Quiet {
    return this.#held > 0 ? "busy" : this.#last;
  }

  /** Resolves at the next mark or hold. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve));
  }

  #changed(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
  }
}
