import { raceDeadline, TIMED_OUT } from "./_deadline.ts";
import { CaseError, errorText } from "./errors.ts";
import type { Transcript } from "./transcript.ts";

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
 * import { UdpClient } from "./udp_client.ts";
 * import { Transcript } from "./transcript.ts";
 * await using u = UdpClient.open({ host: "127.0.0.1", port: 7 }, {
 *   label: "u1",
 *   transcript: new Transcript(),
 * });
 * await u.send(new TextEncoder().encode("ping"));
 * const reply = await u.receive({ timeoutMs: 500 }); // null on time-out
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
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#bufferSize = options.bufferSize ?? FULL_DATAGRAM;
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

  /** Collects every datagram that arrives within `ms` milliseconds (at most `max`). */
  async receiveFor(ms: number, options: { max?: number } = {}): Promise<Datagram[]> {
    const out: Datagram[] = [];
    const until = performance.now() + ms;
    while (out.length < (options.max ?? Infinity)) {
      const left = until - performance.now();
      if (left <= 0) break;
      const d = await this.#next(left);
      if (d === TIMED_OUT || d === null) break;
      out.push(d);
    }
    return out;
  }

  async #next(ms: number): Promise<Datagram | null | typeof TIMED_OUT> {
    if (this.#closed) return null;
    this.#pending ??= this.#socket.receive(new Uint8Array(this.#bufferSize)).then(
      (r) => ({ r }),
      (e) => ({ e }),
    );
    const got = await raceDeadline(this.#pending, ms, this.#signal);
    if (got === TIMED_OUT) return TIMED_OUT;
    this.#pending = null;
    if ("e" in got) {
      this.#transcript.record(this.label, "error", { detail: errorText(got.e) });
      return null;
    }
    const [data, addr] = got.r;
    const from = addr as Deno.NetAddr;
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
