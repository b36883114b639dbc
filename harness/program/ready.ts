/**
 * Waiting until a launched server serves the ports it was given, and saying why not when it does
 * not: it exited, it bound other ports, or it never bound within the time.
 *
 * @module
 */
import { atDeadline, sleep } from "../_deadline.ts";
import { canReadProc } from "./can_read_proc.ts";
import type { BoundPorts } from "./listening_ports.ts";
import type { ExitInfo, Program } from "./program.ts";

/** What a server should serve to count as ready. */
export interface ReadyWant {
  /** A TCP address that must accept a connection; `0.0.0.0` and `::` are probed on loopback. */
  tcp?: { host: string; port: number };
  /** A UDP port one of the program's sockets must be bound to. */
  udp?: { host: string; port: number };
}

/** How long to wait, and how to stop waiting. */
export interface ReadyOptions {
  /** Give up after this long; 10 000 ms when absent. */
  timeoutMs?: number;
  /** Stops waiting; `waitReady()` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Time between probes; 25 ms when absent. */
  intervalMs?: number;
  /**
   * How long the program may have other ports bound, and not the ones wanted, before it counts as
   * having bound the wrong ones; 1000 ms when absent.
   */
  wrongPortGraceMs?: number;
}

/** How waiting ended; `ms` is the time since `waitReady()` was called. */
export type ReadyResult =
  | { ok: true; ms: number }
  | {
    ok: false;
    reason: "exited";
    ms: number;
    /** One line, e.g. `server exited with status 1 before it served TCP 127.0.0.1:41235`. */
    message: string;
    /** How it ended. */
    exit: ExitInfo;
    /** The last lines it wrote to stderr, at most 20. */
    stderrTail: string[];
  }
  | {
    ok: false;
    reason: "wrong-port";
    ms: number;
    /** One line, e.g. `server listens on TCP 8080 instead of 41235`. */
    message: string;
    /** The TCP ports it listens on. */
    tcp: number[];
    /** The UDP ports it has bound. */
    udp: number[];
  }
  | {
    ok: false;
    reason: "timeout";
    ms: number;
    /** One line, e.g. `server did not serve TCP 127.0.0.1:41235 within 10000 ms`. */
    message: string;
  };

const STDERR_LINES = 20;
/** How often a program that does not serve yet is looked at for ports it bound instead. */
const WRONG_PORT_SCAN_MS = 200;

/**
 * Waits until a launched program serves every wanted port: a TCP port is in the LISTEN state on one
 * of the program's sockets (read from `/proc`; where `/proc` cannot be read, it accepts a
 * connection, closed at once), a UDP port is bound by one of its sockets. Probes every
 * `intervalMs`, so it returns as soon as the program is ready, and never later than `timeoutMs`.
 *
 * @param program The launched program.
 * @param want The ports it should serve.
 * @param options Time limits and a signal.
 * @returns Ready, or why not.
 * @throws The signal's reason when `options.signal` aborts.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { launch } from "./launch.ts";
 * import { type ReadyOptions, type ReadyResult, type ReadyWant, waitReady } from "./ready.ts";
 * await using program = launch({ argv: ["sh", "-c", "echo 'cannot bind' >&2; exit 1"] });
 * const want: ReadyWant = { tcp: { host: "127.0.0.1", port: 9 } };
 * const options: ReadyOptions = { timeoutMs: 5000 };
 * const result: ReadyResult = await waitReady(program, want, options);
 * assertEquals(result.ok ? [] : result.reason === "exited" && result.stderrTail, ["cannot bind"]);
 * ```
 */
export async function waitReady(
  program: Program,
  want: ReadyWant,
  options: ReadyOptions = {},
): Promise<ReadyResult> {
  const { timeoutMs = 10_000, intervalMs = 25, wrongPortGraceMs = 1000 } = options;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const deadline = new AbortController();
  const cancel = atDeadline(timeoutMs, () => deadline.abort());
  const signal = options.signal === undefined
    ? deadline.signal
    : AbortSignal.any([deadline.signal, options.signal]);
  const exit = new AbortController(); // ends a pause as soon as the program exits
  program.exited.then(() => exit.abort());
  const wake = AbortSignal.any([signal, exit.signal]);
  let wrongSince: number | undefined;
  let tcpSeen = false; // TCP accepted once: a last probe cut short by the deadline says nothing
  let ports: BoundPorts = { tcp: [], udp: [] };
  let scanned = -Infinity;
  // A listening socket, seen in /proc, is ready: a connect to find out would be a connection the
  // program serves and sees closed, and a program that dies at its first disconnect would die of
  // sockspec's look before any case. Without /proc, a connect (closed at once) tells.
  const proc = canReadProc();
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      if (!program.running) return exited(program, want, await program.exited, elapsed());
      const tcpOk = want.tcp === undefined ||
        (proc ? program.ports("tcp").tcp.includes(want.tcp.port) : await accepts(want.tcp, signal));
      const udpOk = want.udp === undefined ||
        (tcpOk && program.ports("udp").udp.includes(want.udp.port));
      if (tcpOk && udpOk) return { ok: true, ms: elapsed() };
      tcpSeen ||= tcpOk && want.tcp !== undefined;
      // Every port it has bound, for a wrong-port verdict: reading the TCP tables is slow on a
      // machine with many connections, and the verdict waits a second anyway.
      if (performance.now() - scanned >= WRONG_PORT_SCAN_MS || deadline.signal.aborted) {
        ports = program.ports();
        scanned = performance.now();
      }
      const others = otherPorts(want, ports);
      wrongSince = others.length === 0 ? undefined : wrongSince ?? performance.now();
      const timedOut = deadline.signal.aborted;
      if (
        wrongSince !== undefined &&
        (timedOut || performance.now() - wrongSince >= wrongPortGraceMs)
      ) {
        return {
          ok: false,
          reason: "wrong-port",
          ms: elapsed(),
          message: `${program.label} listens on ${wrongPorts(want, others, tcpOk, udpOk)}`,
          tcp: ports.tcp,
          udp: ports.udp,
        };
      }
      if (timedOut) {
        const missing = describeWant(want, !(tcpOk || tcpSeen), !udpOk);
        const tcpOnly = tcpSeen && want.udp !== undefined
          ? ` (it serves TCP ${
            want.tcp!.port
          } but has no UDP socket on ${want.udp.port}: a TCP-only server takes {tcp}, not {port})`
          : "";
        return {
          ok: false,
          reason: "timeout",
          ms: elapsed(),
          message: `${program.label} did not serve ${missing} within ${timeoutMs} ms${tcpOnly}`,
        };
      }
      await sleep(intervalMs, wake).catch(() => {}); // cut short when it exits, time is up or on abort
    }
  } finally {
    cancel();
  }
}

function exited(program: Program, want: ReadyWant, exit: ExitInfo, ms: number): ReadyResult {
  return {
    ok: false,
    reason: "exited",
    ms,
    message: `${program.label} ${exit.description} before it served ${
      describeWant(want, true, true)
    }`,
    exit,
    stderrTail: program.stderrTail(STDERR_LINES),
  };
}

/** Whether a TCP connection to the address succeeds; closes it at once. */
async function accepts(
  { host, port }: { host: string; port: number },
  signal: AbortSignal,
): Promise<boolean> {
  if (signal.aborted) return false;
  const hostname = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  try {
    const conn = await Deno.connect({ hostname, port, signal });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

interface PortName {
  transport: "TCP" | "UDP";
  port: number;
}

function otherPorts(want: ReadyWant, ports: { tcp: number[]; udp: number[] }): PortName[] {
  const tcp = ports.tcp.filter((p) => p !== want.tcp?.port);
  const udp = ports.udp.filter((p) => p !== want.udp?.port);
  return [
    ...tcp.map((port) => ({ transport: "TCP" as const, port })),
    ...udp.map((port) => ({ transport: "UDP" as const, port })),
  ];
}

/** `TCP 8080 instead of 41235`; `UDP 41235 instead of TCP 41235` when transports differ. */
function wrongPorts(want: ReadyWant, others: PortName[], tcpOk: boolean, udpOk: boolean): string {
  const wanted: PortName[] = [];
  if (want.tcp !== undefined && !tcpOk) wanted.push({ transport: "TCP", port: want.tcp.port });
  if (want.udp !== undefined && !udpOk) wanted.push({ transport: "UDP", port: want.udp.port });
  const mixed = new Set([...others, ...wanted].map((p) => p.transport)).size > 1;
  const list = (names: PortName[], withTransport: boolean) =>
    (["TCP", "UDP"] as const)
      .map((transport) => {
        const ports = names.filter((n) => n.transport === transport).map((n) => n.port);
        if (ports.length === 0) return "";
        return withTransport ? `${transport} ${ports.join(", ")}` : ports.join(", ");
      })
      .filter((part) => part !== "")
      .join(" and ");
  return `${list(others, true)} instead of ${list(wanted, mixed)}`;
}

function describeWant(want: ReadyWant, tcp: boolean, udp: boolean): string {
  const parts: string[] = [];
  if (want.tcp !== undefined && tcp) parts.push(`TCP ${address(want.tcp)}`);
  if (want.udp !== undefined && udp) parts.push(`UDP ${address(want.udp)}`);
  return parts.length === 0 ? "anything" : parts.join(" and ");
}

function address({ host, port }: { host: string; port: number }): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
