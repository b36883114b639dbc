/**
 * Adversarial servers for client cases: a TCP listener or a UDP socket on a fresh loopback port
 * that behaves as a case says (a reply one byte per segment, a slow reply, a reply cut short, a
 * reset, a dropped datagram, a stray datagram from another port), records the exchange from its
 * side in the transcript, and keeps what the client sent for the verdict. The same behaviour
 * serves a student by hand (`deno task serve --case ID`): then there is no expected request, and
 * requests are read by the profile's framing.
 *
 * @module
 */
import { concat } from "@std/bytes";
import { raceDeadline, sleep } from "../_deadline.ts";
import type { RequestReplyProfile } from "../case.ts";
import { ServerClock } from "./server_clock.ts";
import { errorText } from "../errors.ts";
import { firstDifference } from "../hexdump.ts";
import type { Transport } from "../target.ts";
import { type ReadEnd, type ReadResult, type SendResult, TcpClient } from "../tcp_client.ts";
import type { SplitPlan } from "../split.ts";
import type { Transcript } from "../transcript.ts";
import { FULL_DATAGRAM } from "../udp_client.ts";
import { WAITS } from "../waits.ts";

/** What a case's server does with one accepted connection. */
export type TcpBehaviour = (peer: TcpPeer) => Promise<void>;

/** What a case's UDP server does with its socket: it runs once, until the server closes. */
export type UdpBehaviour = (peer: UdpPeer) => Promise<void>;

/**
 * How a case's server behaves. With `tcp`, every connection is handled by it; with `udp`, the
 * socket is; with neither, nothing listens on the port (a connect is refused).
 */
export interface Adversary {
  transport: Transport;
  tcp?: TcpBehaviour;
  udp?: UdpBehaviour;
}

/** How an adversarial server is run. */
export interface AdversaryOptions {
  profile: RequestReplyProfile;
  transcript: Transcript;
  /** Aborts every wait of the server. */
  signal?: AbortSignal;
  /** How long to wait for the client's next byte, in milliseconds (default 2000). */
  timeoutMs?: number;
  /**
   * The request a correct client sends. Reading stops at the first byte that differs from it;
   * without it (serving by hand) a request is read by the profile's framing.
   */
  expected?: Uint8Array;
  /** The address to bind (default `127.0.0.1`). */
  hostname?: string;
  /** The port to bind (default 0: a fresh one). */
  port?: number;
  /** Marked at each act toward the client, held while the server pauses (a new one if absent). */
  clock?: ServerClock;
}

/** How reading a request ended: as a read does, or `mismatch` at a byte that differs. */
export type RequestEnd = ReadEnd | "mismatch";

/** Reading a request slowly: a pause first, then `chunk` bytes at a time with gaps. */
export interface Pace {
  /** Milliseconds before the first read. */
  firstMs: number;
  /** Bytes taken per read. */
  chunk: number;
  /** Milliseconds between reads. */
  gapMs: number;
}

/** A datagram the server received. */
export interface ReceivedDatagram {
  data: Uint8Array;
  from: { host: string; port: number };
}

/** How long a by-hand stream request may pause before it counts as whole (see `WAITS`). */
const STREAM_IDLE_MS = WAITS.clientIdleMs;
/** How long the server keeps reading after its last reply (see `WAITS`). */
const DRAIN_MS = WAITS.clientDrainMs;

/**
 * The server's side of one accepted TCP connection, for a {@linkcode TcpBehaviour}: read the
 * request, answer it in whatever way the case wants, close or reset. Every byte read is kept in
 * {@linkcode TcpPeer.received}.
 */
export class TcpPeer {
  /** The connection, with its transcript label (`s1`, `s2`, …). */
  readonly conn: TcpClient;
  readonly profile: RequestReplyProfile;
  /** How reading the request ended; `null` before it was read. */
  requestEnd: RequestEnd | null = null;
  /** Bytes that came after the request, while the server drained the connection. */
  extra: Uint8Array = new Uint8Array(0);
  #transcript: Transcript;
  #signal?: AbortSignal;
  #expected?: Uint8Array;
  #timeoutMs: number;
  #chunks: Uint8Array[] = [];
  #closed = false;
  #clock: ServerClock;

  /** Wraps an accepted connection; {@linkcode startAdversary} makes these. */
  constructor(conn: Deno.TcpConn, label: string, options: AdversaryOptions) {
    this.#transcript = options.transcript;
    this.#signal = options.signal;
    this.#expected = options.expected;
    this.#timeoutMs = options.timeoutMs ?? WAITS.timeoutMs;
    this.#clock = options.clock ?? new ServerClock();
    this.profile = options.profile;
    this.conn = new TcpClient(conn, {
      label,
      transcript: options.transcript,
      signal: options.signal,
      timeoutMs: this.#timeoutMs,
    });
  }

  /** Every byte the client sent on this connection that the server read, in order. */
  get received(): Uint8Array {
    return concat(this.#chunks);
  }

  /** Whether the server closed or reset the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Reads one request. With an expected request: until that many bytes came, stopping early at
   * the first byte that differs, at EOF, a reset or a time-out; it returns the request only when
   * it came whole and right, else null (the server should not answer). Serving by hand: one
   * request as the profile frames it (a stream request ends at EOF or a pause).
   */
  async request(options: { pace?: Pace } = {}): Promise<Uint8Array | null> {
    const expected = this.#expected;
    if (!expected) return await this.#requestByFraming();
    const pace = options.pace;
    if (pace) await this.sleep(pace.firstMs);
    let have = 0;
    for (;;) {
      let mismatch = false;
      const r = await this.conn.readUntil((b) => {
        const n = Math.min(b.length, expected.length - have);
        if (firstDifference(b.subarray(0, n), expected.subarray(have, have + n)) >= 0) {
          mismatch = true;
          return b.length;
        }
        if (n === expected.length - have) return n;
        return pace && b.length >= pace.chunk ? pace.chunk : -1;
      }, { timeoutMs: this.#timeoutMs, max: Math.max(1, pace?.chunk ?? expected.length) });
      this.#keep(r.bytes);
      have += r.bytes.length;
      if (mismatch) return this.#ended("mismatch", null);
      if (have >= expected.length) return this.#ended("done", expected.slice());
      if (r.end !== "done" && r.end !== "cap") return this.#ended(r.end, null);
      if (pace) await this.sleep(pace.gapMs);
    }
  }

  /** Reads whatever comes first (at least one byte), or nothing at EOF, a reset or a time-out. */
  async readSome(): Promise<ReadResult> {
    const r = await this.conn.readUntil((b) => (b.length > 0 ? b.length : -1));
    this.#keep(r.bytes);
    return r;
  }

  /** The reply a correct server sends to `request`. */
  reply(request: Uint8Array): Uint8Array {
    return this.profile.expectedReply(request);
  }

  /** Writes all of `data`. */
  async send(data: Uint8Array): Promise<SendResult> {
    try {
      return await this.conn.send(data);
    } finally {
      this.#clock.mark("the server's last send");
    }
  }

  /** Writes `data` cut by `plan`, one write per piece, `plan.gapMs` apart. */
  async sendChunked(data: Uint8Array, plan: SplitPlan): Promise<SendResult> {
    try {
      return await this.#clock.hold(this.conn.sendChunked(data, plan));
    } finally {
      this.#clock.mark("the server's last send");
    }
  }

  /** Sleeps, ending early when the server stops; the client's wait does not run meanwhile. */
  sleep(ms: number): Promise<void> {
    return this.#clock.hold(sleep(ms, this.#signal));
  }

  /** Adds a note to the transcript, under this connection's label. */
  note(detail: string): void {
    this.#transcript.record(this.conn.label, "note", { detail });
  }

  /** Closes the connection in order (FIN): the client's `recv()` returns 0. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.conn.close();
    this.#clock.mark("the server closed the connection");
  }

  /**
   * Resets the connection (RST): the client's next `recv()` fails with ECONNRESET and a write
   * after that raises SIGPIPE. Needs FFI and `/proc` (`--allow-all`); without them it closes,
   * which the transcript says.
   */
  async reset(): Promise<void> {
    this.#closed = true;
    await this.conn.reset();
    this.#clock.mark("the server reset the connection");
  }

  /** After the behaviour: reads what else came for a moment, then closes, unless it was closed. */
  async finish(stopping: boolean): Promise<void> {
    if (this.#closed) return;
    if (!stopping) {
      try {
        const r = await this.conn.readFor(DRAIN_MS);
        this.extra = r.bytes;
        this.#keep(r.bytes);
      } catch { /* the server is stopping */ }
    }
    await this.close();
  }

  #keep(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#chunks.push(bytes);
  }

  #ended<T>(end: RequestEnd, value: T): T {
    this.requestEnd = end;
    if (end === "mismatch") {
      this.note("the request differs from what the client was given: no reply");
    }
    return value;
  }

  async #requestByFraming(): Promise<Uint8Array | null> {
    const framing = this.profile.framing;
    const ms = this.#timeoutMs;
    const take = async (r: Promise<ReadResult>) => {
      const got = await r;
      this.#keep(got.bytes);
      return got;
    };
    if (framing.kind === "delimiter") {
      const r = await take(this.conn.readUntilBytes(framing.delimiter, { timeoutMs: ms }));
      return this.#ended(r.end, r.end === "done" ? r.bytes : null);
    }
    if (framing.kind === "length-prefix") {
      const size = framing.size ?? framing.headerBytes;
      const h = await take(this.conn.readExactly(size, { timeoutMs: ms }));
      if (h.end !== "done") return this.#ended(h.end, null);
      const view = new DataView(h.bytes.buffer, h.bytes.byteOffset, h.bytes.length);
      const at = framing.at ?? 0;
      const length = framing.headerBytes === 2 ? view.getUint16(at) : view.getUint32(at);
      const body = await take(this.conn.readExactly(length, { timeoutMs: ms }));
      return this.#ended(body.end, body.end === "done" ? concat([h.bytes, body.bytes]) : null);
    }
    const r = await take(this.conn.readUntil(() => -1, { timeoutMs: STREAM_IDLE_MS }));
    if (r.bytes.length === 0) return this.#ended(r.end, null);
    return this.#ended("done", r.bytes);
  }
}

/**
 * The server's side of a UDP exchange, for a {@linkcode UdpBehaviour}: receive datagrams, answer,
 * drop or ignore them, or send one from another port. Every datagram received is kept in
 * {@linkcode UdpPeer.datagrams}.
 */
export class UdpPeer {
  readonly profile: RequestReplyProfile;
  /** Every datagram the server received, in order. */
  readonly datagrams: ReceivedDatagram[] = [];
  #socket: Deno.DatagramConn;
  #stray: Deno.DatagramConn | undefined;
  #transcript: Transcript;
  #signal?: AbortSignal;
  #closed = false;
  #clock: ServerClock;

  /** Wraps a bound socket; {@linkcode startAdversary} makes these. */
  constructor(socket: Deno.DatagramConn, options: AdversaryOptions) {
    this.#socket = socket;
    this.#transcript = options.transcript;
    this.#signal = options.signal;
    this.#clock = options.clock ?? new ServerClock();
    this.profile = options.profile;
  }

  /** Waits for the next datagram; null once the server has stopped. */
  async receive(): Promise<ReceivedDatagram | null> {
    if (this.#closed) return null;
    let got: [Uint8Array, Deno.Addr];
    try {
      got = await this.#socket.receive(new Uint8Array(FULL_DATAGRAM));
    } catch {
      return null; // closed
    }
    const from = got[1] as Deno.NetAddr;
    const d = { data: got[0].slice(), from: { host: from.hostname, port: from.port } };
    this.datagrams.push(d);
    this.#clock.mark("the server received its last datagram");
    this.#transcript.record("server", "recv", {
      dir: "in",
      bytes: d.data,
      detail: `from ${from.hostname}:${from.port}`,
    });
    return d;
  }

  /** The reply a correct server sends to `request`. */
  reply(request: Uint8Array): Uint8Array {
    return this.profile.expectedReply(request);
  }

  /** Sends `data` to `to` from the server's socket. */
  async send(data: Uint8Array, to: { host: string; port: number }): Promise<void> {
    await this.#sendFrom(this.#socket, "server", data, to);
  }

  /** Sends `data` to `to` from another socket of this host: a datagram that is not the reply. */
  async sendStray(data: Uint8Array, to: { host: string; port: number }): Promise<number> {
    this.#stray ??= Deno.listenDatagram({
      hostname: (this.#socket.addr as Deno.NetAddr).hostname,
      port: 0,
      transport: "udp",
    });
    await this.#sendFrom(this.#stray, "stray", data, to);
    return (this.#stray.addr as Deno.NetAddr).port;
  }

  /** Sleeps, ending early when the server stops; the client's wait does not run meanwhile. */
  sleep(ms: number): Promise<void> {
    return this.#clock.hold(sleep(ms, this.#signal));
  }

  /** Adds a note to the transcript. */
  note(detail: string): void {
    this.#transcript.record("server", "note", { detail });
  }

  /** Closes the sockets; a pending `receive()` returns null. */
  close(): void {
    this.#closed = true;
    for (const s of [this.#socket, this.#stray]) {
      try {
        s?.close();
      } catch { /* already closed */ }
    }
  }

  async #sendFrom(
    socket: Deno.DatagramConn,
    label: string,
    data: Uint8Array,
    to: { host: string; port: number },
  ): Promise<void> {
    const port = (socket.addr as Deno.NetAddr).port;
    try {
      await socket.send(data, { transport: "udp", hostname: to.host, port: to.port });
      this.#clock.mark("the server's last send");
      this.#transcript.record(label, "send", {
        dir: "out",
        bytes: data,
        detail: `from port ${port} to ${to.host}:${to.port}`,
      });
    } catch (e) {
      this.#transcript.record(label, "error", { detail: `send failed: ${errorText(e)}` });
    }
  }
}

/** A running adversarial server. Close it (or hold it with `await using`). */
export interface RunningAdversary extends AsyncDisposable {
  readonly transport: Transport;
  /** The bound address (`127.0.0.1`). */
  readonly host: string;
  /** The bound port; for an adversary with no behaviour, a port nothing listens on. */
  readonly port: number;
  /** The connections accepted so far (TCP). */
  readonly connections: readonly TcpPeer[];
  /** The datagrams received so far (UDP). */
  readonly datagrams: readonly ReceivedDatagram[];
  /** When the server last acted toward the client: the client's wait counts from there. */
  readonly clock: ServerClock;
  /**
   * Waits until every connection's behaviour has ended, for at most `ms` milliseconds: after the
   * client exits, the server reads what it had sent before it stops.
   */
  settle(ms: number): Promise<void>;
  /** Stops serving: closes the listener or socket and every connection, and settles them. */
  close(): Promise<void>;
}

/**
 * Starts an adversarial server on a fresh loopback port (or `options.port`): it handles every
 * connection (TCP) or its socket (UDP) with the adversary's behaviour until closed. An adversary
 * with no behaviour only picks a port that nothing listens on.
 *
 * @param adversary How the server behaves.
 * @param options The profile, the transcript, and what a correct client sends.
 * @returns The running server; its port goes into the client's command.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type Adversary, startAdversary, type TcpPeer } from "./adversary.ts";
 * import { Transcript } from "../transcript.ts";
 * const echo = {
 *   name: "echo",
 *   description: "",
 *   transports: ["tcp"] as const,
 *   framing: { kind: "stream" } as const,
 *   encode: (p: Uint8Array) => p,
 *   expectedReply: (r: Uint8Array) => r,
 * };
 * // Answers one byte per segment.
 * const byteByByte: Adversary = {
 *   transport: "tcp",
 *   async tcp(peer: TcpPeer) {
 *     const request = await peer.request();
 *     if (request) await peer.sendChunked(peer.reply(request), { sizes: [1], gapMs: 2 });
 *   },
 * };
 * const expected = new TextEncoder().encode("hi");
 * await using server = startAdversary(byteByByte, {
 *   profile: echo,
 *   transcript: new Transcript(),
 *   expected,
 * });
 * const conn = await Deno.connect({ hostname: server.host, port: server.port });
 * await conn.write(expected);
 * await conn.closeWrite();
 * assertEquals(await new Response(conn.readable).bytes(), expected); // then the server closes
 * ```
 */
export function startAdversary(adversary: Adversary, options: AdversaryOptions): RunningAdversary {
  const hostname = options.hostname ?? "127.0.0.1";
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const clock = options.clock ?? new ServerClock();
  const opts: AdversaryOptions = { ...options, signal, clock };
  const { transcript } = options;
  const where = (port: number) => `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;

  if (adversary.transport === "udp" && adversary.udp) {
    const socket = Deno.listenDatagram({ hostname, port: options.port ?? 0, transport: "udp" });
    const port = (socket.addr as Deno.NetAddr).port;
    transcript.record("server", "note", { detail: `UDP server bound to ${where(port)}` });
    const peer = new UdpPeer(socket, opts);
    const running = adversary.udp(peer).catch((e) => {
      if (!stop.signal.aborted) transcript.record("server", "error", { detail: errorText(e) });
    });
    const close = async () => {
      stop.abort();
      peer.close();
      await running;
    };
    return {
      transport: "udp",
      host: hostname,
      port,
      connections: [],
      datagrams: peer.datagrams,
      clock,
      settle: () => Promise.resolve(),
      close,
      [Symbol.asyncDispose]: close,
    };
  }

  if (!adversary.tcp && !adversary.udp) {
    const port = options.port ?? freePort(adversary.transport, hostname);
    transcript.record("server", "note", {
      detail: `nothing listens on ${adversary.transport.toUpperCase()} ${where(port)}`,
    });
    const close = () => Promise.resolve();
    return {
      transport: adversary.transport,
      host: hostname,
      port,
      connections: [],
      datagrams: [],
      clock,
      settle: () => Promise.resolve(),
      close,
      [Symbol.asyncDispose]: close,
    };
  }

  const handle = adversary.tcp!;
  const listener = Deno.listen({ hostname, port: options.port ?? 0, transport: "tcp" });
  const port = listener.addr.port;
  transcript.record("server", "note", { detail: `TCP server listening on ${where(port)}` });
  const connections: TcpPeer[] = [];
  const tasks = new Set<Promise<void>>();
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        return; // closed
      }
      conn.setNoDelay(true);
      const label = `s${connections.length + 1}`;
      const from = conn.remoteAddr as Deno.NetAddr;
      transcript.record(label, "connect", {
        detail: `accepted ${from.hostname}:${from.port} -> ${where(port)}`,
      });
      const peer = new TcpPeer(conn, label, opts);
      connections.push(peer);
      clock.mark("the server accepted its connection");
      const task = (async () => {
        try {
          await handle(peer);
        } catch (e) {
          if (!stop.signal.aborted) transcript.record(label, "error", { detail: errorText(e) });
        }
        await peer.finish(stop.signal.aborted);
      })();
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    }
  })();
  const close = async () => {
    stop.abort();
    try {
      listener.close();
    } catch { /* already closed */ }
    await accepting;
    await Promise.allSettled(connections.map((c) => c.conn.close()));
    await Promise.allSettled([...tasks]);
  };
  return {
    transport: "tcp",
    host: hostname,
    port,
    connections,
    datagrams: [],
    clock,
    settle: async (ms: number) => {
      await raceDeadline(Promise.allSettled([...tasks]), ms).catch(() => {});
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A port of `transport` on `hostname` that nothing is bound to right now. */
function freePort(transport: Transport, hostname: string): number {
  const socket = transport === "tcp"
    ? Deno.listen({ hostname, port: 0, transport: "tcp" })
    : Deno.listenDatagram({ hostname, port: 0, transport: "udp" });
  const port = (socket.addr as Deno.NetAddr).port;
  socket.close();
  return port;
}
