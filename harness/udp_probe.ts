/**
 * A connected-UDP probe: sends datagrams from a socket `connect()`ed to the target, so Linux
 * reports an ICMP port-unreachable at once (`ECONNREFUSED`) instead of leaving the client to
 * wait out a silence. Deno has no connected-UDP API; the probe calls libc through `Deno.dlopen`
 * and falls back to a plain socket and a time-out where FFI is not permitted or not Linux.
 *
 * @module
 */
import { raceDeadline, sleep, TIMED_OUT } from "./_deadline.ts";
import { errorText } from "./errors.ts";
import type { Transcript } from "./transcript.ts";

/** What a probe saw. */
export type UdpProbeResult =
  /** A datagram came back (the first one). */
  | { kind: "reply"; data: Uint8Array; afterMs: number }
  /** ICMP port unreachable: no socket is bound to that UDP port. */
  | { kind: "refused"; afterMs: number }
  /** Nothing came back within the window; `icmp` says whether a refusal would have been seen. */
  | { kind: "silent"; windowMs: number; icmp: boolean };

/** How a probe waits and records. */
export interface UdpProbeOptions {
  /** How long to wait for a reply or a refusal after the last send, in milliseconds. */
  windowMs: number;
  /** Aborts the wait (the case's deadline). */
  signal?: AbortSignal;
  transcript?: Transcript;
  /** Label in the transcript (default `probe`). */
  label?: string;
}

const ECONNREFUSED = 111;
const MSG_DONTWAIT = 0x40;
const POLLIN = 0x1;
const POLLERR = 0x8;
const SOL_SOCKET = 1;
const SO_ERROR = 4;
const SOCK_DGRAM_NONBLOCK_CLOEXEC = 2 | 0o4000 | 0o2000000;

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/**
 * True when this process can open connected UDP sockets (Linux, with `--allow-ffi`), and so can
 * tell an unbound UDP port (refused) from a silent one.
 *
 * @example
 * ```ts
 * import { connectedUdpAvailable } from "./udp_probe.ts";
 * if (!connectedUdpAvailable()) console.log("an unbound UDP port will look silent");
 * ```
 */
export function connectedUdpAvailable(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Sends `datagrams` to `target` from one socket and waits up to `windowMs` for the first reply or
 * an ICMP refusal.
 *
 * @example
 * ```ts
 * import { probeUdp } from "./udp_probe.ts";
 * const r = await probeUdp({ host: "127.0.0.1", port: 9 }, [new Uint8Array(0)], { windowMs: 200 });
 * if (r.kind === "refused") console.log("nothing is bound to UDP 9");
 * ```
 */
export async function probeUdp(
  target: { host: string; port: number },
  datagrams: readonly Uint8Array[],
  options: UdpProbeOptions,
): Promise<UdpProbeResult> {
  const address = sockaddr(target.host, target.port);
  if (address && connectedUdpAvailable()) {
    let lib: Deno.DynamicLibrary<typeof SYMBOLS> | undefined;
    try {
      lib = Deno.dlopen("libc.so.6", SYMBOLS);
    } catch { /* no libc by that name: fall back */ }
    if (lib) {
      try {
        return await probeConnected(lib.symbols, address, target, datagrams, options);
      } finally {
        lib.close();
      }
    }
  }
  return await probeUnconnected(target, datagrams, options);
}

async function probeConnected(
  libc: Libc,
  address: Uint8Array,
  target: { host: string; port: number },
  datagrams: readonly Uint8Array[],
  options: UdpProbeOptions,
): Promise<UdpProbeResult> {
  const label = options.label ?? "probe";
  const note = (
    kind: "send" | "recv" | "refused" | "timeout" | "note",
    bytes?: Uint8Array,
    detail?: string,
  ) =>
    options.transcript?.record(label, kind, {
      dir: kind === "send" ? "out" : kind === "recv" ? "in" : undefined,
      bytes,
      detail,
    });
  const family = new DataView(address.buffer).getUint16(0, true);
  const fd = libc.socket(family, SOCK_DGRAM_NONBLOCK_CLOEXEC, 0);
  if (fd < 0) return await probeUnconnected(target, datagrams, options);
  const started = performance.now();
  const since = () => Math.round(performance.now() - started);
  const refused = (): UdpProbeResult => {
    note("refused", undefined, `ICMP port unreachable: nothing is bound to UDP ${target.port}`);
    return { kind: "refused", afterMs: since() };
  };
  try {
    if (libc.connect(fd, address, address.length) !== 0) {
      return await probeUnconnected(target, datagrams, options);
    }
    note("note", undefined, `connected UDP socket towards ${target.host}:${target.port}`);
    for (const d of datagrams) {
      if (pendingError(libc, fd) === ECONNREFUSED) return refused();
      const n = Number(libc.send(fd, d, BigInt(d.length), 0));
      if (n < 0) {
        if (pendingError(libc, fd) === ECONNREFUSED) return refused();
        note("note", undefined, "send() on the connected socket failed");
        continue;
      }
      note("send", d, `to ${target.host}:${target.port}`);
    }
    const pfd = new Uint8Array(8);
    const view = new DataView(pfd.buffer);
    const buf = new Uint8Array(65536);
    const until = performance.now() + options.windowMs;
    while (true) {
      view.setInt32(0, fd, true);
      view.setInt16(4, POLLIN, true);
      view.setInt16(6, 0, true);
      const ready = libc.poll(pfd, 1n, 0);
      const revents = view.getInt16(6, true);
      if (ready > 0 && (revents & (POLLIN | POLLERR)) !== 0) {
        if (pendingError(libc, fd) === ECONNREFUSED) return refused();
        const n = Number(libc.recv(fd, buf, BigInt(buf.length), MSG_DONTWAIT));
        if (n >= 0) {
          const data = buf.slice(0, n);
          note("recv", data, `from ${target.host}:${target.port}`);
          return { kind: "reply", data, afterMs: since() };
        }
      }
      if (performance.now() >= until) break;
      await sleep(Math.min(5, Math.max(0, until - performance.now())), options.signal);
    }
    note("timeout", undefined, `no datagram and no ICMP refusal for ${options.windowMs} ms`);
    return { kind: "silent", windowMs: options.windowMs, icmp: true };
  } finally {
    libc.close(fd);
  }
}

/** Reads and clears the socket's pending error (`SO_ERROR`). */
function pendingError(libc: Libc, fd: number): number {
  const value = new Uint8Array(4);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, 4, true);
  if (libc.getsockopt(fd, SOL_SOCKET, SO_ERROR, value, len) !== 0) return 0;
  return new DataView(value.buffer).getInt32(0, true);
}

async function probeUnconnected(
  target: { host: string; port: number },
  datagrams: readonly Uint8Array[],
  options: UdpProbeOptions,
): Promise<UdpProbeResult> {
  const label = options.label ?? "probe";
  const v6 = target.host.includes(":");
  const socket = Deno.listenDatagram({
    hostname: v6 ? "::" : "0.0.0.0",
    port: 0,
    transport: "udp",
  });
  const started = performance.now();
  const receiving = socket.receive(new Uint8Array(65536)).then((r) => r, () => null);
  try {
    options.transcript?.record(label, "note", {
      detail: "plain UDP socket (no --allow-ffi or not Linux): an ICMP refusal looks like silence",
    });
    for (const d of datagrams) {
      try {
        await socket.send(d, { transport: "udp", hostname: target.host, port: target.port });
        options.transcript?.record(label, "send", { dir: "out", bytes: d });
      } catch (e) {
        options.transcript?.record(label, "error", { detail: `send failed: ${errorText(e)}` });
      }
    }
    const got = await raceDeadline(receiving, options.windowMs, options.signal);
    if (got && got !== TIMED_OUT) {
      const data = got[0].slice();
      options.transcript?.record(label, "recv", { dir: "in", bytes: data });
      return { kind: "reply", data, afterMs: Math.round(performance.now() - started) };
    }
    options.transcript?.record(label, "timeout", {
      detail: `no datagram for ${options.windowMs} ms`,
    });
    return { kind: "silent", windowMs: options.windowMs, icmp: false };
  } finally {
    socket.close();
    await receiving;
  }
}

/** Builds a `sockaddr_in`/`sockaddr_in6` for a literal address (or `localhost`); null otherwise. */
function sockaddr(host: string, port: number): Uint8Array | null {
  const h = host === "localhost" ? "127.0.0.1" : host;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setUint16(0, 2, true);
    view.setUint16(2, port, false);
    out.set(v4.slice(1).map(Number), 4);
    return out;
  }
  const v6 = ipv6Bytes(h);
  if (!v6) return null;
  const out = new Uint8Array(28);
  const view = new DataView(out.buffer);
  view.setUint16(0, 10, true);
  view.setUint16(2, port, false);
  out.set(v6, 8);
  return out;
}

function ipv6Bytes(text: string): Uint8Array | null {
  if (!/^[0-9a-f:]+$/i.test(text) || !text.includes(":")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...head, ...new Array(fill).fill(0), ...tail];
  if (groups.some((g) => !(g >= 0 && g <= 0xffff))) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}
