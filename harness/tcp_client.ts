import { concat, indexOfNeedle } from "@std/bytes";
import { raceDeadline, sleep, TIMED_OUT } from "./_deadline.ts";
import { CaseError, CaseFailure, errorText } from "./errors.ts";
import { byteText, describeBytes } from "./hexdump.ts";
import { splitBytes, type SplitPlan } from "./split.ts";
import type { Transcript } from "./transcript.ts";

/** Why a read stopped. `done` means it got what it asked for. */
export type ReadEnd = "done" | "eof" | "timeout" | "reset" | "cap";

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

/** Options for reads: how long to wait with no new bytes, and how much to keep. */
export interface ReadOptions {
  /** Give up after this many milliseconds without a new byte (default: the client's). */
  timeoutMs?: number;
  /** Never buffer more than this many bytes (default 16 MiB). */
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
  /** Memory cap for buffered bytes (default 16 MiB). */
  maxBuffer?: number;
}

/** Options for {@linkcode TcpClient.connect}. */
export interface ConnectOptions extends TcpClientOptions {
  /** Time allowed for the handshake (default: `timeoutMs`). */
  connectTimeoutMs?: number;
  /** Turn Nagle's algorithm off, so each write leaves as its own segment (default true). */
  noDelay?: boolean;
}

/** The connection could not be made; `reason` says how it failed. */
export class ConnectFailed extends CaseError {
  /** `refused`, `timeout`, `unreachable` or `other`. */
  readonly reason: "refused" | "timeout" | "unreachable" | "other";
  /**
   * @param message One line: what was tried and what happened.
   * @param reason The kind of failure.
   * @param options Passed on to `Error`.
   */
  constructor(
    message: string,
    reason: "refused" | "timeout" | "unreachable" | "other",
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ConnectFailed";
    this.reason = reason;
  }
}

/** 16 MiB: the most a client buffers unless told otherwise. */
export const DEFAULT_MAX_BUFFER = 16 * 1024 * 1024;

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
  #buf: Uint8Array = new Uint8Array(0);
  #chunk = new Uint8Array(65536);
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
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  }

  /**
   * Connects to `target` within a deadline.
   *
   * @throws {ConnectFailed} when refused, unreachable or not answered in time.
   */
  static async connect(
    target: { host: string; port: number },
    options: ConnectOptions,
  ): Promise<TcpClient> {
    const { transcript, label } = options;
    const ms = options.connectTimeoutMs ?? options.timeoutMs ?? 2000;
    const where = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), ms);
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeout.signal])
      : timeout.signal;
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: target.host, port: target.port, signal });
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      const failed = classifyConnectError(e, where, ms, timeout.signal.aborted);
      transcript.record(label, failed.reason === "timeout" ? "timeout" : "refused", {
        detail: failed.message,
      });
      throw failed;
    } finally {
      clearTimeout(timer);
    }
    if (options.noDelay ?? true) conn.setNoDelay(true);
    transcript.record(label, "connect", {
      detail: `${conn.localAddr.hostname}:${conn.localAddr.port} -> ${where}`,
    });
    return new TcpClient(conn, options);
  }

  /** Bytes received but not yet consumed by a read. */
  get buffered(): Uint8Array {
    return this.#buf;
  }

  /** True once the target closed its side (EOF) or reset the connection. */
  get ended(): boolean {
    return this.#state !== "open";
  }

  /** Writes all of `data`, in as many writes as the kernel takes. */
  async send(data: Uint8Array, options: { timeoutMs?: number } = {}): Promise<SendResult> {
    let sent = 0;
    const ms = options.timeoutMs ?? this.#timeoutMs;
    while (sent < data.length) {
      if (this.#closed()) return { sent, end: "reset" };
      const rest = data.subarray(sent);
      const write = this.#conn.write(rest).then((n) => ({ n }), (e) => ({ e }));
      this.#pendingWrite = write;
      const r = await raceDeadline(write, ms, this.#signal);
      if (r === TIMED_OUT) {
        this.#transcript.record(this.label, "timeout", {
          detail:
            `send blocked for ${ms} ms after ${sent} of ${data.length} bytes (the peer is not reading)`,
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
  }

  /**
   * Sends `data` cut by `plan`, one write per piece with `gapMs` between them (Nagle is off),
   * so the target really receives it as several segments.
   */
  async sendChunked(data: Uint8Array, plan: SplitPlan): Promise<SendResult> {
    const chunks = splitBytes(data, plan);
    const gap = plan.gapMs ?? 5;
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
      this.#pendingRead = this.#conn.read(this.#chunk).then((n) => ({ n }), (e) => ({ e }));
    }
    const r = await raceDeadline(this.#pendingRead, ms, this.#signal);
    if (r === TIMED_OUT) return "timeout";
    this.#pendingRead = null;
    if ("e" in r) {
      if (this.#closed()) return "eof";
      this.#state = "reset";
      this.#transcript.record(this.label, "reset", { detail: errorText(r.e) });
      return "reset";
    }
    if (r.n === null) {
      this.#state = "eof";
      this.#transcript.record(this.label, "eof");
      return "eof";
    }
    const got = this.#chunk.slice(0, r.n);
    this.#transcript.record(this.label, "recv", { dir: "in", bytes: got });
    this.#buf = this.#buf.length === 0 ? got : concat([this.#buf, got]);
    return "data";
  }

  /** Takes the first `n` buffered bytes. */
  #take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /**
   * Reads until `done(buffered)` returns the number of bytes to take (or -1 to keep reading).
   * Stops at EOF, reset, cap or after `timeoutMs` with no new byte; then returns what came.
   */
  async readUntil(
    done: (buffered: Uint8Array) => number,
    options: ReadOptions = {},
  ): Promise<ReadResult> {
    const ms = options.timeoutMs ?? this.#timeoutMs;
    const max = options.max ?? this.#maxBuffer;
    while (true) {
      const n = done(this.#buf);
      if (n >= 0) return { bytes: this.#take(n), end: "done" };
      if (this.#buf.length >= max) return { bytes: this.#take(this.#buf.length), end: "cap" };
      const got = await this.#fill(ms);
      if (got === "timeout") {
        this.#transcript.record(this.label, "timeout", {
          detail: `no bytes for ${ms} ms (${this.#buf.length} bytes buffered)`,
        });
      }
      if (got !== "data") return { bytes: this.#take(this.#buf.length), end: got };
    }
  }

  /** Reads exactly `n` bytes, or what came before EOF, reset or the time-out. */
  readExactly(n: number, options: ReadOptions = {}): Promise<ReadResult> {
    return this.readUntil((b) => (b.length >= n ? n : -1), options);
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
   * stream). Ends early at EOF, reset or the cap.
   */
  async readFor(ms: number, options: { max?: number } = {}): Promise<ReadResult> {
    const until = performance.now() + ms;
    const max = options.max ?? this.#maxBuffer;
    while (true) {
      const left = until - performance.now();
      if (this.#buf.length >= max) return { bytes: this.#take(this.#buf.length), end: "cap" };
      if (left <= 0) return { bytes: this.#take(this.#buf.length), end: "timeout" };
      const got = await this.#fill(left);
      if (got !== "data") return { bytes: this.#take(this.#buf.length), end: got };
    }
  }

  /**
   * Reads `expected.length` bytes and fails the case with evidence unless they are `expected`.
   * Stops at the first differing byte.
   *
   * @throws {CaseFailure} on a difference, EOF, reset or time-out.
   */
  async expect(
    expected: Uint8Array,
    options: ReadOptions & { what?: string } = {},
  ): Promise<void> {
    const what = options.what ?? "reply";
    const ms = options.timeoutMs ?? this.#timeoutMs;
    let mismatch = -1;
    const r = await this.readUntil((b) => {
      const n = Math.min(b.length, expected.length);
      for (let i = 0; i < n; i++) {
        if (b[i] !== expected[i]) {
          mismatch = i;
          return b.length;
        }
      }
      return b.length >= expected.length ? expected.length : -1;
    }, { ...options, max: Math.max(expected.length, 1) });
    if (r.end === "done" && mismatch < 0) return;
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
      incompleteMessage(what, got.length, expected.length, r.end, ms),
      evidence,
    );
  }

  /**
   * Fails the case unless the target closes its side (EOF) within `timeoutMs` with no further
   * bytes.
   */
  async expectEof(options: ReadOptions & { what?: string } = {}): Promise<void> {
    const ms = options.timeoutMs ?? this.#timeoutMs;
    const r = await this.readUntil(() => -1, { ...options, max: options.max ?? 65536 });
    if (r.end === "eof" && r.bytes.length === 0) return;
    if (r.end === "eof" || r.end === "cap" || r.bytes.length > 0) {
      throw new CaseFailure(
        `Expected the target to close the connection${
          options.what ? ` ${options.what}` : ""
        }, but it sent ${describeBytes(r.bytes, 60)} more`,
        { expected: "EOF (recv() returns 0)", actual: r.bytes },
      );
    }
    if (r.end === "reset") {
      throw new CaseFailure(
        `Expected an orderly close (FIN)${
          options.what ? ` ${options.what}` : ""
        }, but the target reset the connection`,
        { expected: "EOF (recv() returns 0)", actual: "connection reset (RST)" },
      );
    }
    throw new CaseFailure(
      `The target did not close the connection${
        options.what ? ` ${options.what}` : ""
      }: no EOF within ${ms} ms`,
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
      {
        cause: e,
      },
    );
  }
  const text = errorText(e);
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
    default:
      return `The ${what} ended after ${part} (${end})`;
  }
}
