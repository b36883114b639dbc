/**
 * Every fixed wait sockspec uses, in one place, with the reason for its value: the defaults of
 * the run, the bound on a reply, silence windows, pauses between writes and the soft thresholds
 * past which a case warns. Cases and the clients take their waits from here, so a reader can see
 * what a run against a silent or dripping target costs, and change a value without hunting it.
 *
 * The rule that keeps a hostile target from stretching a run: every wait on the target ends by a
 * bound counted from when it began (a request, a connect, a silence window), never only by an idle
 * gap between bytes. See {@linkcode replyBoundMs}.
 *
 * @module
 */

/** The fixed waits, in milliseconds unless the name says otherwise. */
export const WAITS = {
  /**
   * Default wait for a connect or for a reply (`--timeout`): loopback answers in microseconds and
   * a busy fork-per-client server in milliseconds; two seconds is long enough for a loaded CI
   * machine and short enough that a silent target costs a run seconds, not minutes.
   */
  timeoutMs: 2000,
  /**
   * Default deadline of one case (`--case-timeout`): a safety net above every case's own bounded
   * waits. When it passes while the case waits on the target, the case fails saying what it was
   * waiting for; a case waiting on nothing is a harness fault.
   */
  caseTimeoutMs: 30_000,
  /**
   * The slowest reply rate a correct server is allowed, in bytes per second: a reply of `n` bytes
   * must complete within `timeoutMs + n / rate` of the request. Far below what any server reaches
   * on loopback (hundreds of MB/s), far above a drip (a byte a second): a 1 MiB reply gets 18 s, a
   * 32-byte one 2 s.
   */
  replyBytesPerSecond: 65_536,
  /**
   * When Linux first resends an unanswered SYN: a connect whose SYN a full listen queue dropped
   * completes no sooner than this, and a client retries it after this long.
   */
  firstSynResendMs: 1000,
  /**
   * How long past the first SYN resend a burst's connects are awaited: a resent SYN that meets a
   * listen queue with room completes within milliseconds; one that needs the next resend (3 s) is
   * a client kept waiting all the same, which a connect taking past the first resend already shows.
   */
  synResendGraceMs: 250,
  /** Extra connect time for load cases: room for SYN resends 1 s and 3 s after the first. */
  synRetryMs: 3000,
  /**
   * Extra reply time per client when many are served at once: a fork-per-client server forks a
   * child in about a millisecond, socat forking and exec()ing `cat` in about five.
   */
  perClientMs: 5,
  /**
   * A backlog probe's connect deadline: a handshake the kernel queues completes at once, and a
   * dropped SYN only at the client's first resend (1 s), so half of that tells them apart with
   * 500 ms to spare for a loaded machine's event loop.
   */
  probeConnectMs: 500,
  /**
   * How long a window waiting for silence lasts (`--param silence`): the time a server gets to
   * send what it should not (discard's echo, a greeting before the request). Loopback delivers
   * in well under a millisecond; 300 ms covers a scheduler hiccup on a busy machine.
   */
  silenceMs: 300,
  /** How long a wrong-transport hint waits for the other transport's answer: one silence window. */
  hintWindowMs: 300,
  /** After a reply, how long to watch for bytes nobody asked for: a reply split in two arrives within it. */
  extraMs: 50,
  /** After a single request's reply, how long to watch for more: the same, with room for a slow second write. */
  afterReplyMs: 100,
  /** Time a server gets to meet a client's close or reset before the liveness probe connects. */
  settleMs: 200,
  /** How long junk may draw a reply before the garbage case closes: any answer is allowed, so it only keeps the connection open briefly. */
  garbageReplyMs: 200,
  /** A send that makes no progress for this long means both directions are full (the server is blocked in send()). */
  blockedMs: 200,
  /** A flood stops when a write stays blocked this long: the target has stopped reading. */
  stallMs: 300,
  /** Pause between the two halves of a request cut inside its framing: long enough for separate recv()s. */
  splitGapMs: 30,
  /**
   * Pause between two sends a protocol file's scenario writes back to back on one connection
   * (only its `coalesced` and `pipelined` cases join them into one write): a margin the machine's
   * load cannot eat, so a server blocked in recv() takes the first alone and `as-written` does not
   * depend on timing.
   */
  sendGapMs: 100,
  /** Pause between the one-byte segments of a trickled request (Nagle is off, so each leaves alone). */
  byteGapMs: 3,
  /** Pause between the pieces of a request cut at random points. */
  randomGapMs: 5,
  /** The large case's pauses while reading, so the server's send buffer fills and send() returns short counts. */
  slowReadPauseMs: 30,
  /**
   * How long a client case's server leaves a large request unread: the client sends right after
   * it connects, so its send() meets full buffers (measured here: one non-blocking send() on a
   * fresh loopback connection whose peer does not read takes at most 3,919,467 bytes) and a
   * non-blocking one comes back short.
   */
  unreadMs: 1000,
  /** Soft threshold: a reply completing later than this after the last request byte is a warn. */
  slowReplyMs: 1000,
  /** How long UDP robustness lets the garbage be answered before the probe. */
  udpGarbageMs: 100,
  /** The UDP-silent case's first look for an answer: a bound socket answers in microseconds. */
  udpFirstLookMs: 200,
  /** How long the discard probe watches for a close after its request. */
  discardProbeMs: 50,
  /**
   * How long a client under test may run before sockspec kills it, unless the run sets the
   * `client-wait` parameter: the client contract gives a client that cannot recover 10 s to say so.
   */
  clientWaitMs: 10_000,
  /**
   * How much longer than its wait a client may run in all, counted from its launch: the wait
   * counts from the case's server's last act, and a server's own pauses and reads take at most a
   * few seconds, so 20 s more only bounds a server that keeps acting.
   */
  clientServerMs: 20_000,
  /**
   * How long a client's request sent by hand (a stream profile) may pause before it counts as
   * whole: a client writes its request at once, so 300 ms of quiet means it has sent it all.
   */
  clientIdleMs: 300,
  /** How long sockspec's server keeps reading after its last reply, for bytes sent after it. */
  clientDrainMs: 30,
  /** How long sockspec's server may go on reading after the client exited (bytes in flight). */
  clientSettleMs: 300,
  /** How often a client's death is looked for right after it showed (a crash shows first). */
  deathPollMs: 20,
  /**
   * How often, after a case, `--exec` looks whether the program is at rest (every thread asleep):
   * two looks in a row at rest end the wait for a death before its three `deathPollMs`.
   */
  restPollMs: 5,
  /**
   * The longest a target-down probe waits: only a refusal counts, and an RST comes back at once,
   * so a target whose listen queue is full does not cost each failed case another connect wait.
   */
  downProbeMs: 250,
  /** The pause before a refusal is probed again: a moment's refusal is not a dead server. */
  downRecheckMs: 100,
  /** How long `grade` waits for an ICMP refusal of a row's UDP target before the run. */
  preflightUdpMs: 500,
  /** How long a stopped program gets after SIGTERM before SIGKILL. */
  stopGraceMs: 2000,
  /** How long `serve --case` waits for the client it serves (a person types it by hand). */
  serveCaseMs: 60_000,
  /** How long an abandoned case gets to unwind after its sockets were closed. */
  unwindMs: 500,
  /**
   * When a failed case's target still accepts at the watch's first look, the second look comes
   * this much later: a program crashing as its client's connection ends may still be exiting, and
   * the case that killed it, not the next one, must be named.
   */
  lateDeathMs: 300,
  /**
   * Each of `process.idle-cpu`'s windows (clients connected and silent; clients gone). The kernel
   * counts the time a process is runnable to the nanosecond, and a busy loop is runnable all the
   * window however loaded the machine is, so 300 ms tells a spin (runnable all of it) from a wait
   * (runnable for the odd wake-up), and the two windows cost 0.6 s of each `--exec` run.
   */
  idleWindowMs: 300,
} as const satisfies Record<string, number>;

/**
 * The longest a reply of `bytes` bytes may take to arrive whole, counted from the request: the
 * wait for a first byte (`timeoutMs`) plus the time the reply takes at the slowest allowed rate
 * ({@linkcode WAITS}.replyBytesPerSecond). A target that drips its reply cannot stretch a wait past
 * this, however short the gaps between its bytes.
 *
 * @param timeoutMs The run's wait for a connect or for bytes.
 * @param bytes The size of the reply.
 * @example
 * ```ts
 * import { replyBoundMs } from "./waits.ts";
 * replyBoundMs(2000, 32); // 2000
 * replyBoundMs(2000, 1024 * 1024); // 18000
 * ```
 */
export function replyBoundMs(timeoutMs: number, bytes: number): number {
  return Math.round(timeoutMs + (Math.max(0, bytes) * 1000) / WAITS.replyBytesPerSecond);
}

/**
 * The waits on the target a case has open right now, each described when asked: what the runner
 * quotes when a case's deadline passes ("a reply on c1: 3 of 32 bytes"), and what tells a target
 * that kept a case waiting (a `fail`) from a case stuck on nothing (a harness fault).
 *
 * @example
 * ```ts
 * import { PendingWaits } from "./waits.ts";
 * const waits = new PendingWaits();
 * const done = waits.begin(() => "a reply on c1");
 * waits.describe(); // ["a reply on c1"]
 * done();
 * waits.describe(); // []
 * ```
 */
export class PendingWaits {
  #open = new Map<number, () => string>();
  #next = 0;

  /** Opens a wait described by `what`; returns the function that closes it. */
  begin(what: () => string): () => void {
    const id = this.#next++;
    this.#open.set(id, what);
    return () => this.#open.delete(id);
  }

  /** The open waits, oldest first. */
  describe(): string[] {
    return [...this.#open.values()].map((what) => what());
  }
}
