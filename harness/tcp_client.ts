/**
 * sockspec's own TCP connection to a target: connect, send, read with deadlines, half-close and
 * reset, every step recorded in the case's transcript.
 *
 * @module
 */
import { indexOfNeedle } from "@std/bytes";
import { sendReset } from "./_reset.ts";
import { atDeadline, raceDeadline, sleep, TIMED_OUT } from "./_deadline.ts";
import { CaseError, CaseFailure, errorText } from "./errors.ts";
import { byteText, describeBytes, firstDifference } from "./hexdump.ts";
import { splitBytes, type SplitPlan } from "./split.ts";
import type { Transcript } from "./transcript.ts";
import { type PendingWaits, replyBoundMs, WAITS } from "./waits.ts";

/**
 * Why a read stopped. `done`: it got what it asked for; `timeout`: nothing came for the idle
 * time-out; `slow`: bytes kept coming, but too slowly to finish within the read's bound; `cap`:
 * the most it may buffer came.
 */
export type ReadEnd = "done" | "eof" | "timeout" | "slow" | "reset" | "cap";

/** What a read got, and why it stopped. */
export interface ReadResult {
  bytes: Uint8Array;
  end: ReadEnd;
}

/** Why a send stopped. */
export type SendEnd = "done" | "timeout" | "reset";

/** What a send wrote, and why it stopped. */
export interface SendResult {
  sent: number;
  end: SendEnd;
}

/** Options for reads: how long to wait with no new bytes, how long in all, and how much to keep. */
export interface ReadOptions {
  /** Give up after this many milliseconds without a new byte (default: the client's). */
  timeoutMs?: number;
  /**
   * Give up this many milliseconds after the read began, however short the gaps between bytes
   * (default: `replyBoundMs(timeoutMs, max)`, the most the read can want at the slowest allowed
   * rate). A target that drips cannot stretch a read past it.
   */
  boundMs?: number;
  /** Never buffer more than this many bytes (default {@linkcode DEFAULT_MAX_BUFFER}). */
  max?: number;
}

/** How a TCP client is set up. */
export interface TcpClientOptions {
  /** Label in the transcript, e.g. `c1`. */
  label: string;
  transcript: Transcript;
  /** Aborts every wait (the case's deadline). */
  signal?: AbortSignal;
  /** Default idle time-out for reads and sends, in milliseconds (default 2000). */
  timeoutMs?: number;
  /** Memory cap for buffered bytes (default {@linkcode DEFAULT_MAX_BUFFER}). */
  maxBuffer?: number;
  /** Where open waits on the target are registered, for a deadline's message. */
  waits?: PendingWaits;
  /**
   * Counts for the run each reply awaited or connect the target refused, reset or left unanswered
   * (`tried`), and each reply that matched (`answered`).
   */
  tally?: (event: "tried" | "answered") => void;
}

/** Options for {@linkcode TcpClient.connect}. */
export interface ConnectOptions extends TcpClientOptions {
  /** Time allowed for the handshake (default: `timeoutMs`). */
  connectTimeoutMs?: number;
  /** Turn Nagle's algorithm off, so each write leaves as its own segment (default true). */
  noDelay?: boolean;
}

/**
 * How a connect failed: `refused` (RST to the SYN: nothing listens), `timeout` (no handshake in
 * time), `reset` (the handshake completed, then the target reset the connection), `unreachable`
 * (no route or no such host) or `other`.
 */
export type ConnectFailure = "refused" | "timeout" | "reset" | "unreachable" | "other";

/**
 * The connection could not be made; `reason` says how it failed. Whether that is the target's
 * failure or an untestable target is the runner's call (`verdict()`), not the thrower's.
 */
export class ConnectFailed extends CaseError {
  /** How the connect failed. */
  readonly reason: ConnectFailure;
  /**
   * @param message One line: what was tried and what happened.
   * @param reason The kind of failure.
   * @param options Passed on to `Error`.
   */
  constructor(message: string, reason: ConnectFailure, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectFailed";
    this.reason = reason;
  }
}

/**
 * 2 MiB: the most a client buffers unless told otherwise. The largest reply a case reads at once
 * is an lp32 frame of 1 MiB; a target that floods costs at most this much per connection.
 */
export const DEFAULT_MAX_BUFFER = 2 * 1024 * 1024;

/** Bytes one read takes from the kernel at most. */
const READ_CHUNK = 65536;

/**
 * Read buffers of closed connections, for the next ones: thousands of short connections (churn)
 * would otherwise allocate, zero and collect 64 KiB each.
 */
const spareChunks: Uint8Array[] = [];
const SPARE_CHUNKS_MAX = 16;

type ReadOutcome = { n: number | null } | { e: unknown };

/**
 * A TCP connection to a target with deadlines on every wait, chunked sends, a memory cap and a
 * transcript of everything that crossed it. Reads happen only when asked for, so a client that
 * never reads leaves the bytes in the kernel (for slow-reader and reset cases).
 *
 * @example
 * ```ts
 * import { TcpClient } from "./tcp_client.ts";
 * import { Transcript } from "./transcript.ts";
 * // An echo server on an ephemeral loopback port.
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const echoing = listener.accept().then((conn) => conn.readable.pipeTo(conn.writable));
 * const transcript = new Transcript();
 * {
 *   await using c = await TcpClient.connect({ host: "127.0.0.1", port: listener.addr.port }, {
 *     label: "c1",
 *     transcript,
 *   });
 *   await c.sendChunked(new TextEncoder().encode("hello\n"), { sizes: [1], gapMs: 5 });
 *   await c.expect(new TextEncoder().encode("hello\n"));
 * }
 * await echoing;
 * console.log(transcript.finish().filter((e) => e.kind === "send").length); // 6 one-byte sends
 * ```
 */
export class TcpClient implements AsyncDisposable {
  /** The label used in the transcript. */
  readonly label: string;
  /** The local port, for messages. */
  readonly localPort: number;
  #conn: Deno.TcpConn;
  #transcript: Transcript;
  #signal?: AbortSignal;
  #timeoutMs: number;
  #maxBuffer: number;
  #waits?: PendingWaits;
  #tally?: (event: "tried" | "answered") => void;
  /** Received bytes not yet taken: `#store[#start..#end]`, grown by doubling, never re-copied per read. */
  #store: Uint8Array = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #chunk: Uint8Array | null = null;
  #reads = 0;
  #pendingRead: Promise<ReadOutcome> | null = null;
  #pendingWrite: Promise<unknown> | null = null;
  #state: "open" | "eof" | "reset" | "closed" = "open";

  /** Wraps an open connection. Most callers use {@linkcode TcpClient.connect}. */
  constructor(conn: Deno.TcpConn, options: TcpClientOptions) {
    this.#conn = conn;
    this.label = options.label;
    this.localPort = conn.localAddr.port;
    this.#transcript = options.transcript;
    this.#signal = options.signal;
    this.#timeoutMs = options.timeoutMs ?? WAITS.timeoutMs;
    this.#maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    this.#waits = options.waits;
    this.#tally = options.tally;
  }

  /**
   * Connects to `target` within a deadline.
   *
   * @throws {ConnectFailed} when refused, unreachable, reset or not answered in time.
   */
  static async connect(
    target: { host: string; port: number },
    options: ConnectOptions,
  ): Promise<TcpClient> {
    const { transcript, label } = options;
    const ms = options.connectTimeoutMs ?? options.timeoutMs ?? WAITS.timeoutMs;
    const where = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
    // One controller for the deadline and the caller's signal: a listener costs less than
    // AbortSignal.any(), and a load case connects thousands of times.
    const timeout = new AbortController();
    const cancel = atDeadline(ms, () => timeout.abort());
    const parent = options.signal;
    const onAbort = () => timeout.abort(parent?.reason);
    if (parent?.aborted) onAbort();
    else parent?.addEventListener("abort", onAbort, { once: true });
    const done = options.waits?.begin(() => `a TCP handshake with ${where} (${label})`);
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({
        hostname: target.host,
        port: target.port,
        signal: timeout.signal,
      });
      if (options.noDelay ?? true) conn.setNoDelay(true);
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      const failed = classifyConnectError(e, where, ms, timeout.signal.aborted);
      if (failed.reason !== "other" && failed.reason !== "unreachable") options.tally?.("tried");
      transcript.record(label, failed.reason === "timeout" ? "timeout" : "refused", {
        detail: failed.message,
      });
      throw failed;
    } finally {
      cancel();
      parent?.removeEventListener("abort", onAbort);
      done?.();
    }
    let local: Deno.NetAddr;
    try {
      local = conn.localAddr;
    } catch (e) {
      // The target reset the connection between the handshake and here.
      try {
        conn.close();
      } catch { /* already closed */ }
      const failed = classifyConnectError(e, where, ms, false);
      transcript.record(label, "refused", { detail: failed.message });
      throw failed;
    }
    transcript.record(label, "connect", { detail: `${local.hostname}:${local.port} -> ${where}` });
    return new TcpClient(conn, options);
  }

  /** Bytes received but not yet consumed by a read. */
  get buffered(): Uint8Array {
    return this.#store.subarray(this.#start, this.#end);
  }

  /** How many reads returned bytes on this connection: the number of pieces a reply came in. */
  get reads(): number {
    return this.#reads;
  }

  /** True once the target closed its side (EOF) or reset the connection. */
  get ended(): boolean {
    return this.#state !== "open";
  }

  /** True once this side closed the connection (`close()` or `abort()`). */
  get closed(): boolean {
    return this.#state === "closed";
  }

  /**
   * Writes all of `data`, in as many writes as the kernel takes. Stops when one write stays
   * blocked for `timeoutMs`, or when the whole send takes longer than `replyBoundMs(timeoutMs,
   * data.length)`: a target that reads a byte at a time cannot stretch a send either.
   */
  async send(
    data: Uint8Array,
    options: { timeoutMs?: number; boundMs?: number } = {},
  ): Promise<SendResult> {
    let sent = 0;
    const ms = options.timeoutMs ?? this.#timeoutMs;
    const bound = options.boundMs ?? replyBoundMs(ms, data.length);
    const until = performance.now() + bound;
    const done = this.#waits?.begin(() =>
      `${this.label} to take ${data.length - sent} more request bytes (the target was not reading)`
    );
    try {
      while (sent < data.length) {
        if (this.#closed()) return { sent, end: "reset" };
        const left = until - performance.now();
        if (left <= 0) {
          this.#transcript.record(this.label, "timeout", {
            detail:
              `send still unfinished ${bound} ms after it began: ${sent} of ${data.length} bytes taken (the peer reads too slowly)`,
          });
          return { sent, end: "timeout" };
        }
        const rest = data.subarray(sent);
        const write = this.#conn.write(rest).then((n) => ({ n }), (e) => ({ e }));
        this.#pendingWrite = write;
        const wait = Math.min(ms, left);
        const r = await raceDeadline(write, wait, this.#signal);
        if (r === TIMED_OUT) {
          this.#transcript.record(this.label, "timeout", {
            detail: `send blocked for ${
              Math.round(wait)
            } ms after ${sent} of ${data.length} bytes (the peer is not reading)`,
          });
          return { sent, end: "timeout" };
        }
        this.#pendingWrite = null;
        if ("e" in r) {
          this.#transcript.record(this.label, "reset", {
            detail: `send failed after ${sent} of ${data.length} bytes: ${errorText(r.e)}`,
          });
          return { sent, end: "reset" };
        }
        this.#transcript.record(this.label, "send", { dir: "out", bytes: rest.subarray(0, r.n) });
        sent += r.n;
      }
      return { sent, end: "done" };
    } finally {
      done?.();
    }
  }

  /**
   * Sends `data` cut by `plan`, one write per piece with `gapMs` between them (Nagle is off),
   * so the target really receives it as several segments.
   */
  async sendChunked(data: Uint8Array, plan: SplitPlan): Promise<SendResult> {
    const chunks = splitBytes(data, plan);
    const gap = plan.gapMs ?? WAITS.randomGapMs;
    let sent = 0;
    for (let i = 0; i < chunks.length; i++) {
      if (i > 0 && gap > 0) await sleep(gap, this.#signal);
      const r = await this.send(chunks[i]);
      sent += r.sent;
      if (r.end !== "done") return { sent, end: r.end };
    }
    return { sent, end: "done" };
  }

  /** Waits for more bytes. Returns what happened: new data, EOF, reset or time-out. */
  async #fill(ms: number): Promise<"data" | "eof" | "reset" | "timeout"> {
    if (this.#state === "eof" || this.#state === "closed") return "eof";
    if (this.#state === "reset") return "reset";
    if (!this.#pendingRead) {
      const chunk = this.#chunk ??= spareChunks.pop() ?? new Uint8Array(READ_CHUNK);
      this.#pendingRead = this.#conn.read(chunk).then((n) => ({ n }), (e) => ({ e }));
    }
    const r = await raceDeadline(this.#pendingRead, ms, this.#signal);
    if (r === TIMED_OUT) return "timeout";
    // Closed while this read waited: its buffer may already serve another connection.
    if (this.#closed()) return "eof";
    this.#pendingRead = null;
    if ("e" in r) {
      this.#state = "reset";
      this.#transcript.record(this.label, "reset", { detail: errorText(r.e) });
      return "reset";
    }
    if (r.n === null) {
      this.#state = "eof";
      this.#transcript.record(this.label, "eof");
      return "eof";
    }
    const got = this.#chunk!.subarray(0, r.n);
    this.#reads++;
    this.#transcript.record(this.label, "recv", { dir: "in", bytes: got });
    this.#append(got);
    return "data";
  }

  /** Appends to the buffer: moves the unread bytes to the front, or doubles it, when it is full. */
  #append(bytes: Uint8Array): void {
    if (this.#end + bytes.length > this.#store.length) {
      const held = this.#end - this.#start;
      const need = held + bytes.length;
      if (need <= this.#store.length) {
        this.#store.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Uint8Array(Math.max(need, this.#store.length * 2, 4096));
        grown.set(this.#store.subarray(this.#start, this.#end));
        this.#store = grown;
      }
      this.#start = 0;
      this.#end = held;
    }
    this.#store.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** Takes the first `n` buffered bytes (a copy). */
  #take(n: number): Uint8Array {
    const out = this.#store.slice(this.#start, this.#start + n);
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return out;
  }

  /**
   * Reads until `done(buffered)` returns the number of bytes to take (or -1 to keep reading).
   * Stops at EOF, reset, the cap, after `timeoutMs` with no new byte, or when `boundMs` has passed
   * since the read began; then returns what came.
   */
  async readUntil(
    done: (buffered: Uint8Array) => number,
    options: ReadOptions & { what?: string } = {},
  ): Promise<ReadResult> {
    const ms = options.timeoutMs ?? this.#timeoutMs;
    const max = options.max ?? this.#maxBuffer;
    const bound = options.boundMs ?? replyBoundMs(ms, max);
    const started = performance.now();
    const until = started + bound;
    const what = options.what ?? "bytes";
    const close = this.#waits?.begin(() =>
      `${what} on ${this.label} (${this.#end - this.#start} bytes in, ${
        Math.round(performance.now() - started)
      } ms after it was asked for)`
    );
    const readsBefore = this.#reads;
    try {
      while (true) {
        const n = done(this.buffered);
        if (n >= 0) return { bytes: this.#take(n), end: "done" };
        const held = this.#end - this.#start;
        if (held >= max) return { bytes: this.#take(held), end: "cap" };
        const left = until - performance.now();
        const cut = left < ms;
        const got = left <= 0 ? "timeout" : await this.#fill(Math.min(ms, left));
        if (got === "data") continue;
        if (got !== "timeout") return { bytes: this.#take(this.#end - this.#start), end: got };
        const trickled = cut && this.#reads > readsBefore;
        this.#transcript.record(this.label, "timeout", {
          detail: trickled
            ? `still incomplete ${bound} ms after the read began (${
              this.#end - this.#start
            } bytes buffered): the target sends too slowly`
            : `no bytes for ${Math.round(Math.min(ms, bound))} ms (${
              this.#end - this.#start
            } bytes buffered)`,
        });
        return { bytes: this.#take(this.#end - this.#start), end: trickled ? "slow" : "timeout" };
      }
    } finally {
      close?.();
    }
  }

  /** Reads exactly `n` bytes, or what came before EOF, reset, the time-out or the bound. */
  readExactly(n: number, options: ReadOptions & { what?: string } = {}): Promise<ReadResult> {
    return this.readUntil((b) => (b.length >= n ? n : -1), {
      boundMs: replyBoundMs(options.timeoutMs ?? this.#timeoutMs, n),
      ...options,
    });
  }

  /** Reads through the first `delimiter` (included). */
  readUntilBytes(delimiter: Uint8Array, options: ReadOptions = {}): Promise<ReadResult> {
    return this.readUntil((b) => {
      const i = indexOfNeedle(b, delimiter);
      return i < 0 ? -1 : i + delimiter.length;
    }, options);
  }

  /** Reads everything until the target closes; `end` is `eof` when it did. */
  readToEof(options: ReadOptions = {}): Promise<ReadResult> {
    return this.readUntil(() => -1, options);
  }

  /**
   * Collects whatever arrives within `ms` milliseconds (for checks that expect silence or a
   * stream). Ends early at EOF, reset or the cap (default 64 KiB: a window needs to see that bytes
   * came, not to keep a flood).
   */
  async readFor(ms: number, options: { max?: number } = {}): Promise<ReadResult> {
    const until = performance.now() + ms;
    const max = options.max ?? 65536;
    const close = this.#waits?.begin(() => `a ${ms} ms window on ${this.label}`);
    try {
      while (true) {
        const left = until - performance.now();
        const held = this.#end - this.#start;
        if (held >= max) return { bytes: this.#take(held), end: "cap" };
        if (left <= 0) return { bytes: this.#take(held), end: "timeout" };
        const got = await this.#fill(left);
        if (got !== "data") return { bytes: this.#take(this.#end - this.#start), end: got };
      }
    } finally {
      close?.();
    }
  }

  /**
   * Reads `expected.length` bytes and fails the case with evidence unless they are `expected`.
   * Stops at the first differing byte, and when the reply is not whole within
   * `replyBoundMs(timeoutMs, expected.length)` of the call.
   *
   * @throws {CaseFailure} on a difference, EOF, reset, time-out or a reply too slow.
   */
  async expect(
    expected: Uint8Array,
    options: ReadOptions & { what?: string } = {},
  ): Promise<void> {
    const what = options.what ?? "reply";
    const ms = options.timeoutMs ?? this.#timeoutMs;
    const bound = options.boundMs ?? replyBoundMs(ms, expected.length);
    let mismatch = -1;
    this.#tally?.("tried");
    const r = await this.readUntil((b) => {
      const n = Math.min(b.length, expected.length);
      mismatch = firstDifference(b.subarray(0, n), expected.subarray(0, n));
      if (mismatch >= 0) return n;
      return b.length >= expected.length ? expected.length : -1;
    }, { ...options, boundMs: bound, max: Math.max(expected.length, 1), what: `the ${what}` });
    if (r.end === "done" && mismatch < 0) {
      this.#tally?.("answered");
      return;
    }
    const got = r.bytes;
    const evidence = { expected, actual: got };
    if (mismatch >= 0) {
      throw new CaseFailure(
        `The ${what} differs at byte ${mismatch}: expected ${byteText(expected[mismatch])}, got ${
          byteText(got[mismatch])
        } (${got.length} bytes read, ${expected.length} expected)`,
        evidence,
      );
    }
    throw new CaseFailure(
      incompleteMessage(what, got.length, expected.length, r.end, Math.min(ms, bound), bound),
      evidence,
    );
  }

  /**
   * Fails the case unless the target closes its side (EOF) within `timeoutMs` with no further
   * bytes. A byte instead of EOF fails it at once (with what else came within a moment). `ifOpen`
   * is added to the failure when the connection is simply still open at the deadline.
   */
  async expectEof(options: ReadOptions & { what?: string; ifOpen?: string } = {}): Promise<void> {
    const ms = options.timeoutMs ?? this.#timeoutMs;
    const after = options.what ? ` ${options.what}` : "";
    const shown = 4096;
    const r = await this.readUntil((b) => b.length > 0 ? Math.min(b.length, shown) : -1, {
      timeoutMs: ms,
      boundMs: options.boundMs ?? ms,
      what: "EOF",
    });
    if (r.end === "eof" && r.bytes.length === 0) return;
    if (r.bytes.length > 0) {
      // What else comes within a moment, for the evidence: at most `shown` bytes in all.
      const more = r.bytes.length < shown
        ? (await this.readFor(WAITS.extraMs, { max: shown - r.bytes.length })).bytes
        : new Uint8Array(0);
      const bytes = new Uint8Array(Math.min(shown, r.bytes.length + more.length));
      bytes.set(r.bytes.subarray(0, bytes.length));
      bytes.set(more.subarray(0, bytes.length - r.bytes.length), r.bytes.length);
      throw new CaseFailure(
        `Expected the target to close the connection${after}, but it sent ${
          describeBytes(bytes, 60)
        } more`,
        { expected: "EOF (recv() returns 0)", actual: bytes },
      );
    }
    if (r.end === "reset") {
      throw new CaseFailure(
        `Expected an orderly close (FIN)${after}, but the target reset the connection`,
        { expected: "EOF (recv() returns 0)", actual: "connection reset (RST)" },
      );
    }
    throw new CaseFailure(
      `The target did not close the connection${after}: no EOF within ${ms} ms${
        options.ifOpen ? ` ${options.ifOpen}` : ""
      }`,
      { expected: "EOF (recv() returns 0)", actual: `connection still open after ${ms} ms` },
    );
  }

  /** Shuts down the sending side (`shutdown(SHUT_WR)`): the target's `recv()` returns 0. */
  async closeWrite(): Promise<void> {
    try {
      await this.#conn.closeWrite();
      this.#transcript.record(this.label, "half-close", { detail: "shutdown(SHUT_WR)" });
    } catch (e) {
      this.#transcript.record(this.label, "error", { detail: `shutdown failed: ${errorText(e)}` });
    }
  }

  /**
   * Closes the connection abortively. Deno's `close()` shuts down the sending side first, so
   * the peer sees a FIN unless bytes are still queued: callers make sure the send queue is full
   * (send until a send blocks, as `tcp.halfclose.abort` does); the kernel then discards them and
   * sends RST, and the peer's next `send()`/`recv()` fails with ECONNRESET.
   */
  async abort(): Promise<void> {
    this.#transcript.record(this.label, "close", {
      detail: "abortive close with unsent bytes queued: the kernel sends RST",
    });
    await this.#close();
  }

  /**
   * Resets the connection (RST, not FIN), whatever is queued: the peer's next `recv()` fails
   * with ECONNRESET and a write after that raises SIGPIPE. Needs FFI and `/proc` (Linux,
   * `--allow-all`); without them it closes (FIN), which the transcript says. Returns whether a RST
   * went out.
   *
   * @example
   * ```ts ignore
   * if (!await conn.reset()) t.skip("No RST without --allow-all");
   * ```
   */
  async reset(): Promise<boolean> {
    if (this.#state === "closed") return false;
    const rst = sendReset(this.#conn);
    this.#transcript.record(this.label, rst ? "reset" : "note", {
      detail: rst
        ? "resets the connection (RST)"
        : "cannot send a RST without FFI and /proc (--allow-all): closing instead",
    });
    await this.close();
    return rst;
  }

  /** Closes the connection (FIN) and settles any read or write still pending. */
  async close(): Promise<void> {
    if (this.#state === "closed") return;
    this.#transcript.record(this.label, "close");
    await this.#close();
  }

  #closed(): boolean {
    return this.#state === "closed";
  }

  async #close(): Promise<void> {
    if (this.#state === "closed") return;
    this.#state = "closed";
    try {
      this.#conn.close();
    } catch { /* already closed by the runtime */ }
    await this.#pendingRead;
    await this.#pendingWrite;
    this.#pendingRead = this.#pendingWrite = null;
    this.#store = new Uint8Array(0);
    this.#start = this.#end = 0;
    // No read is pending any more, so nothing can still write into the buffer: it can be reused.
    if (this.#chunk && spareChunks.length < SPARE_CHUNKS_MAX) spareChunks.push(this.#chunk);
    this.#chunk = null;
  }

  /** Closes the connection. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function classifyConnectError(
  e: unknown,
  where: string,
  ms: number,
  timedOut: boolean,
): ConnectFailed {
  if (timedOut) {
    return new ConnectFailed(`No TCP handshake with ${where} within ${ms} ms`, "timeout", {
      cause: e,
    });
  }
  if (e instanceof Deno.errors.ConnectionRefused) {
    return new ConnectFailed(
      `Connection to TCP ${where} refused: nothing is listening there`,
      "refused",
      { cause: e },
    );
  }
  const text = errorText(e);
  if (
    e instanceof Deno.errors.ConnectionReset || e instanceof Deno.errors.NotConnected ||
    /reset by peer|not connected/i.test(text)
  ) {
    return new ConnectFailed(
      `TCP ${where} completed the handshake, then reset the connection at once (${text})`,
      "reset",
      { cause: e },
    );
  }
  const unreachable = /unreachable|resolve|lookup|name or service|no address|dns/i.test(text);
  return new ConnectFailed(
    `Cannot connect to TCP ${where}: ${text}`,
    unreachable ? "unreachable" : "other",
    { cause: e },
  );
}

function incompleteMessage(
  what: string,
  got: number,
  want: number,
  end: ReadEnd,
  ms: number,
  bound: number,
): string {
  const part = got === 0 ? "no bytes" : `${got} of ${want} bytes`;
  switch (end) {
    case "eof":
      return `The target closed the connection (EOF) after ${part} of the ${what}`;
    case "reset":
      return `The target reset the connection after ${part} of the ${what}`;
    case "timeout":
      return got === 0
        ? `No ${what}: no bytes for ${ms} ms after the last send (expected ${want} bytes)`
        : `The ${what} stopped after ${got} of ${want} bytes: nothing more for ${ms} ms`;
    case "slow":
      return `The ${what} was still incomplete ${bound} ms after it was asked for: ${part} came, in pieces too slow to finish (expected ${want} bytes; a reply may take at most that long)`;
    default:
      return `The ${what} ended after ${part} (${end})`;
  }
}
