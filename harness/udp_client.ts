/**
 * sockspec's own UDP socket towards a target: send datagrams and wait for replies with deadlines,
 * every step recorded in the case's transcript.
 *
 * @module
 */
import { raceDeadline, TIMED_OUT } from "./_deadline.ts";
import { CaseError, errorText } from "./errors.ts";
import type { Transcript } from "./transcript.ts";
import { type PendingWaits, WAITS } from "./waits.ts";

/** One datagram that came back, and where from. */
export interface Datagram {
  data: Uint8Array;
  from: { host: string; port: number };
}

/** How a UDP client is set up. */
export interface UdpClientOptions {
  /** Label in the transcript, e.g. `u1`. */
  label: string;
  transcript: Transcript;
  /** Aborts every wait (the case's deadline). */
  signal?: AbortSignal;
  /** Default time to wait for a datagram, in milliseconds (default 2000). */
  timeoutMs?: number;
  /**
   * Receive buffer in bytes (default {@linkcode FULL_DATAGRAM}). A longer datagram is cut to it,
   * as `recvfrom()` does; the default never cuts.
   */
  bufferSize?: number;
  /** Where open waits on the target are registered, for a deadline's message. */
  waits?: PendingWaits;
  /** Counts each datagram sent (`tried`) and each that came back (`answered`) for the run. */
  tally?: (event: "tried" | "answered") => void;
}

type ReceiveOutcome = { r: [Uint8Array, Deno.Addr] } | { e: unknown };

/** The largest datagram IPv4 UDP carries, plus one: a receive never cuts a datagram. */
export const FULL_DATAGRAM = 65536;

/**
 * A UDP socket bound to an ephemeral port that talks to one target, records every datagram in the
 * transcript and waits with deadlines.
 *
 * @example
 * ```ts
 * import { type Datagram, FULL_DATAGRAM, UdpClient, type UdpClientOptions } from "./udp_client.ts";
 * import { Transcript } from "./transcript.ts";
 *
 * const server = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
 * const options: UdpClientOptions = { label: "u1", transcript: new Transcript(), timeoutMs: 500 };
 * const port = (server.addr as Deno.NetAddr).port;
 * await using u = UdpClient.open({ host: "127.0.0.1", port }, options);
 * await u.send(new TextEncoder().encode("ping"));
 * const [data, from] = await server.receive(new Uint8Array(FULL_DATAGRAM));
 * await server.send(data, from);
 * const reply: Datagram | null = await u.receive(); // null on time-out
 * console.log(new TextDecoder().decode(reply?.data)); // "ping"
 * server.close();
 * ```
 */
export class UdpClient implements AsyncDisposable {
  /** The label used in the transcript. */
  readonly label: string;
  /** The local port this socket is bound to. */
  readonly localPort: number;
  /** Where `send()` goes by default. */
  readonly target: { host: string; port: number };
  #socket: Deno.DatagramConn;
  #transcript: Transcript;
  #signal?: AbortSignal;
  #timeoutMs: number;
  #pending: Promise<ReceiveOutcome> | null = null;
  #bufferSize: number;
  #waits?: PendingWaits;
  #tally?: (event: "tried" | "answered") => void;
  #closed = false;

  private constructor(
    socket: Deno.DatagramConn,
    target: { host: string; port: number },
    options: UdpClientOptions,
  ) {
    this.#socket = socket;
    this.target = target;
    this.label = options.label;
    this.localPort = (socket.addr as Deno.NetAddr).port;
    this.#transcript = options.transcript;
    this.#signal = options.signal;
    this.#timeoutMs = options.timeoutMs ?? WAITS.timeoutMs;
    this.#bufferSize = options.bufferSize ?? FULL_DATAGRAM;
    this.#waits = options.waits;
    this.#tally = options.tally;
  }

  /**
   * Binds a socket of the target's address family on an ephemeral port.
   *
   * @throws {CaseError} when no socket can be bound.
   */
  static open(target: { host: string; port: number }, options: UdpClientOptions): UdpClient {
    const v6 = target.host.includes(":");
    let socket: Deno.DatagramConn;
    try {
      socket = Deno.listenDatagram({ hostname: v6 ? "::" : "0.0.0.0", port: 0, transport: "udp" });
    } catch (e) {
      throw new CaseError(`Cannot open a UDP socket: ${errorText(e)}`, { cause: e });
    }
    const client = new UdpClient(socket, target, options);
    options.transcript.record(options.label, "note", {
      detail: `UDP socket bound to port ${client.localPort}`,
    });
    return client;
  }

  /** Sends one datagram to the target (or to `to`). */
  async send(data: Uint8Array, to: { host: string; port: number } = this.target): Promise<void> {
    try {
      await this.#socket.send(data, { transport: "udp", hostname: to.host, port: to.port });
      this.#transcript.record(this.label, "send", {
        dir: "out",
        bytes: data,
        detail: `to ${to.host}:${to.port}`,
      });
      this.#tally?.("tried");
    } catch (e) {
      this.#transcript.record(this.label, "error", { detail: `send failed: ${errorText(e)}` });
      throw new CaseError(`Cannot send a datagram to ${to.host}:${to.port}: ${errorText(e)}`, {
        cause: e,
      });
    }
  }

  /** Waits for the next datagram; null on time-out (recorded in the transcript). */
  async receive(options: { timeoutMs?: number } = {}): Promise<Datagram | null> {
    const ms = options.timeoutMs ?? this.#timeoutMs;
    const got = await this.#next(ms);
    if (got === TIMED_OUT) {
      this.#transcript.record(this.label, "timeout", { detail: `no datagram for ${ms} ms` });
      return null;
    }
    return got;
  }

  /**
   * Collects the datagrams that arrive within `ms` milliseconds, at most `max` (default 64: a
   * window needs to see what came, not to keep a flood); the rest stay unread.
   */
  async receiveFor(ms: number, options: { max?: number } = {}): Promise<Datagram[]> {
    const out: Datagram[] = [];
    const until = performance.now() + ms;
    while (out.length < (options.max ?? 64)) {
      const left = until - performance.now();
      if (left <= 0) break;
      const d = await this.#next(left);
      if (d === TIMED_OUT || d === null) break;
      out.push(d);
    }
    return out;
  }

  /**
   * Sends `requests` (in order) and waits for their replies, and sends the ones still unanswered
   * again when an attempt's share of `timeoutMs` ends with replies missing: loopback UDP may drop
   * a datagram, so a check that is not about loss tries twice before it concludes anything. The
   * whole exchange takes at most `timeoutMs`, however many attempts (a silent target costs one
   * wait, not one per attempt). The resend is noted in the transcript. Each attempt reads at most
   * as many datagrams as it sent. A datagram that answers no open request (see `replyTo`) ends the
   * exchange: it comes back as `unexpected`, for the caller to judge.
   *
   * @param requests The datagrams to send; their replies come back under the same indices.
   * @param options `attempts`: how many times a request is sent at most (default 2). `timeoutMs`:
   *   the bound on the whole exchange, shared equally by the attempts (default: the client's).
   *   `replyTo(d, open)`: the index of the
   *   request `d` answers, or `undefined` when it answers none; `open` lists the requests still
   *   without a reply, in order (default: the first of them, so any datagram is a reply).
   *   `alreadySent`: the caller sent the requests once already, so the first attempt only waits.
   * @returns `replies`: the reply to each request, null where none came; `unexpected`: the datagram
   *   that answered no open request, or null; `attempts`: how many times the requests were sent
   *   (a send before the call, with `alreadySent`, counts).
   * @throws {RangeError} when `attempts` is not a whole number of at least 1.
   * @throws {CaseError} when a datagram cannot be sent.
   *
   * @example
   * ```ts
   * import {
   *   type Datagram,
   *   FULL_DATAGRAM,
   *   UdpClient,
   *   type UdpClientOptions,
   * } from "./udp_client.ts";
   * import { Transcript } from "./transcript.ts";
   *
   * // An echo server that drops the first datagram, as a busy loopback may.
   * const server = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
   * const serving = (async () => {
   *   await server.receive(new Uint8Array(FULL_DATAGRAM));
   *   const [data, from] = await server.receive(new Uint8Array(FULL_DATAGRAM));
   *   await server.send(data, from);
   * })();
   * // A short wait, so the resend comes soon.
   * const options: UdpClientOptions = { label: "u1", transcript: new Transcript(), timeoutMs: 100 };
   * const port = (server.addr as Deno.NetAddr).port;
   * await using u = UdpClient.open({ host: "127.0.0.1", port }, options);
   * const { replies, attempts } = await u.exchange([new TextEncoder().encode("ping")]);
   * const reply: Datagram | null = replies[0];
   * console.log(new TextDecoder().decode(reply?.data), attempts); // "ping" 2
   * await serving;
   * server.close();
   * ```
   */
  async exchange(
    requests: readonly Uint8Array[],
    options: {
      attempts?: number;
      timeoutMs?: number;
      replyTo?: (d: Datagram, open: readonly number[]) => number | undefined;
      alreadySent?: boolean;
    } = {},
  ): Promise<{ replies: (Datagram | null)[]; unexpected: Datagram | null; attempts: number }> {
    const attempts = options.attempts ?? 2;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new RangeError(
        `Cannot exchange in "${attempts}" attempts: expected a whole number of at least 1`,
      );
    }
    const ms = Math.max(1, Math.round((options.timeoutMs ?? this.#timeoutMs) / attempts));
    const replyTo = options.replyTo ?? ((_d: Datagram, open: readonly number[]) => open[0]);
    const replies: (Datagram | null)[] = requests.map(() => null);
    const open = () => replies.flatMap((r, i) => r ? [] : [i]);
    for (let attempt = 1;; attempt++) {
      const missing = open();
      if (attempt > 1 || !options.alreadySent) {
        for (const i of missing) await this.send(requests[i]);
      }
      const until = performance.now() + ms;
      for (let n = 0; n < missing.length; n++) {
        const left = Math.round(until - performance.now());
        const d = left > 0 ? await this.receive({ timeoutMs: left }) : null;
        if (!d) break;
        const i = replyTo(d, open());
        if (i === undefined || replies[i] === undefined) {
          return { replies, unexpected: d, attempts: attempt };
        }
        replies[i] ??= d;
      }
      const left = open().length;
      if (left === 0 || attempt === attempts) {
        return { replies, unexpected: null, attempts: attempt };
      }
      const what = requests.length === 1
        ? "no reply"
        : `no reply to ${left} of ${requests.length} datagrams`;
      const again = attempts === 2 ? "once" : `(attempt ${attempt + 1} of ${attempts})`;
      this.#transcript.record(this.label, "note", {
        detail: `${what} within ${ms} ms; resending ${
          left === 1 ? "it" : "them"
        } ${again}, as loopback may drop a datagram`,
      });
    }
  }

  async #next(ms: number): Promise<Datagram | null | typeof TIMED_OUT> {
    if (this.#closed) return null;
    this.#pending ??= this.#socket.receive(new Uint8Array(this.#bufferSize)).then(
      (r) => ({ r }),
      (e) => ({ e }),
    );
    const done = this.#waits?.begin(() => `a datagram on ${this.label}`);
    const got = await raceDeadline(this.#pending, ms, this.#signal).finally(() => done?.());
    if (got === TIMED_OUT) return TIMED_OUT;
    this.#pending = null;
    if ("e" in got) {
      this.#transcript.record(this.label, "error", { detail: errorText(got.e) });
      return null;
    }
    const [data, addr] = got.r;
    const from = addr as Deno.NetAddr;
    this.#tally?.("answered");
    this.#transcript.record(this.label, "recv", {
      dir: "in",
      bytes: data,
      detail: `from ${from.hostname}:${from.port}`,
    });
    return { data: data.slice(), from: { host: from.hostname, port: from.port } };
  }

  /** Closes the socket and settles a pending receive. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch { /* already closed */ }
    await this.#pending;
    this.#pending = null;
  }

  /** Closes the socket. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
