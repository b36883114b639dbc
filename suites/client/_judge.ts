/**
 * How a client case judges one run of the client: the rules every client case shares (did it
 * send the request, exit as it should, print the reply, in time), each failure worded as what was
 * observed, then the case's own explanation of the bug that causes it.
 *
 * @module
 */
import { equals, startsWith } from "@std/bytes";
import {
  type CaseContext,
  type ClientExchange,
  describeBytes,
  firstDifference,
  type Framing,
  hexPairs,
  printable,
  type Transport,
} from "../../harness/mod.ts";

/** The ways a client can get a case wrong; a case explains each in its own words. */
export type Problem =
  /** Still running when its time was up. */
  | "hung"
  /** Never connected (TCP) or sent no datagram (UDP). */
  | "no-request"
  /** Sent other bytes than the request. */
  | "request"
  /** Exited non-zero or was killed, where it should have printed the reply. */
  | "exit"
  /** Printed the start of the reply only. */
  | "cut"
  /** Printed the reply and more. */
  | "more"
  /** Printed other bytes. */
  | "differs"
  /** Exited 0 where it should have failed. */
  | "succeeded";

/**
 * The case's explanation for each problem: the bug that causes it, and the fix; `undefined` when
 * the evidence of this run does not show that bug (the message then gives the facts only).
 */
export type Hints = Partial<Record<Problem, (x: ClientExchange) => string | undefined>>;

/** What a case expects of a correct client. */
export interface Expectation {
  /** The transport the client speaks in this case. */
  transport: Transport;
  /** The case's explanation of each way a client gets it wrong. */
  hints: Hints;
  /** The client must reach the server first (default true; not for a refused connect). */
  needsRequest?: boolean;
  /** A failing client slower than this (ms) to give up earns a warning. */
  quickMs?: number;
  /**
   * For a client that failed cleanly: what its run shows it got wrong on the way (a warning), or
   * `undefined`.
   */
  failedCleanlyBut?: (x: ClientExchange) => string | undefined;
}

/** A duration for messages: `10 s`, `1.5 s`, `12 ms`. */
export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** The size of a framing's length header: 2 or 4 for `length-prefix`, 0 for other framings. */
export function headerBytesOf(framing: Framing | undefined): number {
  return framing?.kind === "length-prefix" ? framing.headerBytes : 0;
}

/**
 * The length a 2-byte header (any other size is read as 4 bytes) says, read in network byte
 * order, or in this host's (little-endian) order with `little`.
 */
export function headerValue(header: Uint8Array, little = false): number {
  const view = new DataView(header.buffer, header.byteOffset, header.length);
  return header.length === 2 ? view.getUint16(0, little) : view.getUint32(0, little);
}

function failWith(
  t: CaseContext,
  x: ClientExchange,
  e: Expectation,
  problem: Problem,
  observed: string,
  evidence: { expected?: Uint8Array | string; actual?: Uint8Array | string } = {},
): never {
  const hint = e.hints[problem]?.(x);
  t.fail(hint ? `${observed}: ${hint}` : observed, evidence);
}

/** The last line the client wrote on stderr, quoted, or "" when it wrote none. */
function stderrLine(x: ClientExchange): string {
  const text = new TextDecoder().decode(x.run.stderr.bytes).trim();
  if (text === "") return "";
  const last = text.split("\n").at(-1)!;
  return ` (stderr: "${printable(new TextEncoder().encode(last), 120)}")`;
}

function where(x: ClientExchange, transport: Transport): string {
  return `${transport.toUpperCase()} 127.0.0.1:${x.port}`;
}

/** Fails the case when the client was still running at the end of its time. */
function checkHung(t: CaseContext, x: ClientExchange, e: Expectation): void {
  if (x.run.exit) return;
  const cpu = x.run.cpuMs ?? 0;
  const spin = cpu >= x.run.elapsedMs / 2
    ? `, using ${seconds(cpu)} of CPU (a busy loop)`
    : ", using almost no CPU (blocked, waiting)";
  const printed = x.run.stdout.bytes.length + x.run.stdout.dropped;
  const over = x.run.overstay ?? { ms: x.run.elapsedMs, after: "it started" };
  const since = over.after === "it started"
    ? "it started"
    : `${over.after} (${seconds(x.run.elapsedMs)} after it started)`;
  const observed = `The client was still running ${seconds(over.ms)} after ${since}${spin}, ` +
    "and was killed" + (printed > 0 ? `; it had printed ${printed} bytes` : "");
  if ((e.needsRequest ?? true) && !heard(x, e.transport)) {
    t.fail(
      `${observed}; it never ${e.transport === "tcp" ? "connected to" : "sent a datagram to"} ${
        where(x, e.transport)
      }`,
    );
  }
  // A client that hangs waiting for a reply to a request it cut short: the cut is the cause.
  const got = e.transport === "tcp" ? x.connections[0]?.received : undefined;
  if (got && got.length < x.request.length && startsWith(x.request, got)) {
    const text = textStop(x.request, got.length, true);
    if (text) {
      t.fail(
        `${observed}; the server had received ${got.length} of the ${x.request.length} ` +
          `request bytes: ${text}`,
        { expected: x.request, actual: got },
      );
    }
  }
  failWith(t, x, e, "hung", observed);
}

/** Whether the server heard from the client: a connection (TCP) or a datagram (UDP). */
function heard(x: ClientExchange, transport: Transport): boolean {
  return transport === "tcp" ? x.connections.length > 0 : x.datagrams.length > 0;
}

/**
 * Ends the case as an error when the command did not run at all: a shell exits 127 when it finds
 * no such command and 126 when it cannot execute it.
 */
function checkRan(t: CaseContext, x: ClientExchange): void {
  const exit = x.run.exit;
  if (exit?.code !== 126 && exit?.code !== 127) return;
  t.error(
    `The client command did not run: it ${exit.description} (${
      exit.code === 127 ? "the shell found no such command" : "the shell could not execute it"
    })${stderrLine(x)}`,
  );
}

/** Fails the case when the server never heard from the client: the facts, no guess. */
function checkReached(t: CaseContext, x: ClientExchange, e: Expectation): void {
  if (heard(x, e.transport)) return;
  const exit = x.run.exit!;
  failWith(
    t,
    x,
    e,
    "no-request",
    `The client ${e.transport === "tcp" ? "never connected to" : "sent no datagram to"} ${
      where(x, e.transport)
    }; it ${exit.description} after ${seconds(exit.atMs)}${stderrLine(x)}`,
  );
}

/**
 * What the request shows when it goes wrong at `at`, the first byte the server did not get right:
 * the message's first 0x00 (a C string: fgets() or strlen() stop there) or, when the request
 * `stopped` there, the end of its first line (one fgets()); otherwise `undefined`, and the
 * message gives the facts only.
 */
function textStop(message: Uint8Array, at: number, stopped: boolean): string | undefined {
  if (at === 0) return undefined; // nothing came: no evidence of how the message was read
  if (at < message.length && message[at] === 0x00 && message.indexOf(0x00) === at) {
    return `the request is right up to the message's first 0x00 byte (offset ${at}) and not ` +
      "beyond it: the client handled the message as a C string (strlen(), or fgets() and " +
      "strlen(), stop at the first 0x00); send the byte count read(), not strlen()";
  }
  if (stopped && message[at - 1] === 0x0a && message.indexOf(0x0a) === at - 1) {
    return `the request ends with the message's first line (a newline at offset ${at - 1}): ` +
      "the client read one line of its input (one fgets()) and sent only that";
  }
  return undefined;
}

/** Fails the case when the request the server read is not the one the client was given. */
function checkRequest(t: CaseContext, x: ClientExchange, e: Expectation): void {
  const want = x.request;
  if (e.transport === "udp") {
    const bad = x.datagrams.find((d) => !equals(d.data, want));
    if (!bad) return;
    failWith(
      t,
      x,
      e,
      "request",
      `The server received a datagram of ${
        describeBytes(bad.data, 60)
      }, not the ${want.length}-byte request${
        startsWith(want, bad.data) ? ` (its first ${bad.data.length} bytes)` : ""
      }`,
      { expected: want, actual: bad.data },
    );
  }
  const c = x.connections[0];
  const got = c.received;
  if (equals(got, want)) return;
  const end = c.requestEnd;
  const then = end === "eof"
    ? "then the client closed its side (EOF)"
    : end === "reset"
    ? "then the client reset the connection"
    : end === "timeout"
    ? "then nothing more came"
    : "then the client was gone";
  if (startsWith(want, got)) {
    const observed =
      `The server received ${got.length} of the ${want.length} request bytes, ${then}`;
    const text = textStop(want, got.length, true);
    if (text) t.fail(`${observed}: ${text}`, { expected: want, actual: got });
    failWith(t, x, e, "request", observed, { expected: want, actual: got });
  }
  const at = firstDifference(got, want);
  const text = textStop(want, at, false);
  if (text) {
    t.fail(
      `The request differs from the message at byte ${at}: the server received ${
        describeBytes(got, 60)
      }, not the ${want.length}-byte request: ${text}`,
      { expected: want, actual: got },
    );
  }
  const h = headerBytesOf(c.profile.framing);
  if (at < h && got.length >= h) {
    const header = got.subarray(0, h);
    const big = headerValue(header);
    const length = want.length - h;
    if (headerValue(header, true) === length) {
      const fn = h === 2 ? "htons()" : "htonl()";
      failWith(
        t,
        x,
        e,
        "request",
        `The request's length header came as ${hexPairs(header)}, which is ${length} only in ` +
          `little-endian (this host's) byte order; a server reads it as ${big}: the client sent ` +
          `the length without ${fn}`,
        { expected: want, actual: got },
      );
    }
  }
  failWith(
    t,
    x,
    e,
    "request",
    `The request differs from the message at byte ${at}: the server received ${
      describeBytes(got, 60)
    }, not the ${want.length}-byte request`,
    { expected: want, actual: got },
  );
}

/**
 * Judges a case where a correct client prints the reply and exits 0: it reached the server, sent
 * the request, exited 0 in time and printed exactly the reply.
 */
export function judgeReply(t: CaseContext, x: ClientExchange, e: Expectation): void {
  checkHung(t, x, e);
  checkRan(t, x);
  checkReached(t, x, e);
  checkRequest(t, x, e);
  const exit = x.run.exit!;
  if (exit.code !== 0) {
    failWith(
      t,
      x,
      e,
      "exit",
      `The client ${exit.description} after ${seconds(exit.atMs)}${stderrLine(x)}, ` +
        `instead of printing the ${x.stdout.length}-byte reply`,
    );
  }
  const out = x.run.stdout;
  const want = x.stdout;
  if (out.dropped > 0) {
    failWith(
      t,
      x,
      e,
      "more",
      `The client printed ${
        out.dropped + out.bytes.length
      } bytes for a ${want.length}-byte reply ` +
        `(only the last ${out.bytes.length} were kept)`,
      { expected: want, actual: out.bytes },
    );
  }
  const got = out.bytes;
  const evidence = { expected: want, actual: got };
  if (!equals(got, want)) {
    if (startsWith(want, got)) {
      failWith(
        t,
        x,
        e,
        "cut",
        got.length === 0
          ? `The client printed nothing and exited 0, for a ${want.length}-byte reply`
          : `The client printed the first ${got.length} of ${want.length} reply bytes and exited 0`,
        evidence,
      );
    }
    if (startsWith(got, want)) {
      failWith(
        t,
        x,
        e,
        "more",
        `The client printed ${got.length - want.length} bytes more than the ${want.length}-byte ` +
          `reply: ${describeBytes(got.subarray(want.length), 40)}`,
        evidence,
      );
    }
    const at = firstDifference(got, want);
    failWith(
      t,
      x,
      e,
      "differs",
      `The client printed ${describeBytes(got, 60)}, not the ${want.length}-byte reply ` +
        `(they differ from byte ${at})`,
      evidence,
    );
  }
  const extra = x.connections[0]?.extra ?? new Uint8Array(0);
  if (extra.length > 0) {
    t.warn(`After the request the client sent ${describeBytes(extra, 40)} more`);
  }
}

/**
 * Judges a case where a correct client cannot succeed (the server closes early, resets, is not
 * there, never answers): it must exit non-zero, not be killed by a signal, say why on stderr, and
 * not hang.
 */
export function judgeFailure(t: CaseContext, x: ClientExchange, e: Expectation): void {
  checkHung(t, x, e);
  checkRan(t, x);
  if (e.needsRequest ?? true) checkReached(t, x, e);
  const exit = x.run.exit!;
  if (exit.signal !== null) {
    failWith(t, x, e, "exit", `The client was ${exit.description}${stderrLine(x)}`);
  }
  if (exit.code === 0) {
    const out = x.run.stdout;
    failWith(
      t,
      x,
      e,
      "succeeded",
      `The client exited 0 (success) after ${seconds(exit.atMs)}, having printed ${
        describeBytes(out.bytes, 40)
      }`,
      { expected: "a non-zero exit status and a line on stderr", actual: "exit status 0" },
    );
  }
  if (x.run.stderr.bytes.length === 0) {
    t.warn(
      `The client ${exit.description} without a word on stderr: a client that fails says why`,
    );
  }
  const but = e.failedCleanlyBut?.(x);
  if (but) t.warn(`The client ${exit.description}${stderrLine(x)}, but ${but}`);
  if (e.quickMs !== undefined && exit.atMs > e.quickMs) {
    t.warn(`The client took ${seconds(exit.atMs)} to give up; it could tell at once`);
  }
}
