/**
 * The adversarial transformations a scenario is replayed under. Each has a stable name (the last
 * part of a case id), says why it matters, says when it cannot apply, and turns a scenario into a
 * {@linkcode PlayPlan} for the player.
 *
 * @module
 */
import type { ProtocolSpec, Scenario, Step, WireFraming } from "./spec.ts";
import { placeholdersIn, templateText } from "./template.ts";

/** How the player replays a scenario. */
export interface PlayPlan {
  /** The steps, maybe reordered or with shutdowns added. */
  steps: readonly Step[];
  /** How each TCP send is cut into writes (default: one write). */
  cut?: "bytes" | "framing" | "random";
  /** Consecutive sends on one connection go out as one write. */
  coalesce?: boolean;
  /** Copies of the scenario run at once (from the run's `copies` parameter). */
  copies?: boolean;
  /** Another client beside the scenario: idle, never reading, or sending garbage first. */
  beside?: "idle" | "unread" | "garbage";
}

/** One transformation. */
export interface Transformation {
  /** Stable name: the last part of case ids. */
  name: string;
  /** Case title, after the scenario's name. */
  title: string;
  /** Why it matters, in the terms of a socket program. */
  why: string;
  /** Why it cannot apply to `scenario` of `spec`, or null when it can. */
  cannot(spec: ProtocolSpec, scenario: Scenario): string | null;
  plan(spec: ProtocolSpec, scenario: Scenario): PlayPlan;
}

const tcpSends = (s: Scenario) => {
  const udp = new Set(
    s.steps.filter((x) => x.op === "open" && x.transport === "udp").map((x) => x.on),
  );
  return s.steps.filter((x) => x.op === "send" && !udp.has(x.on));
};
const noTcpSend = (s: Scenario) => tcpSends(s).length === 0 ? "it sends nothing over TCP" : null;

/**
 * Steps with each block of consecutive steps on one connection reordered so its sends come first:
 * every request of the block is sent before any reply is read. Steps of other connections keep
 * their places, so what one connection waits for from another still comes first.
 *
 * @example
 * ```ts
 * import { pipelinedSteps } from "./transform.ts";
 * pipelinedSteps([
 *   { op: "send", on: "a", payload: { kind: "bytes", bytes: new Uint8Array(1) }, line: 1 },
 *   { op: "expect", on: "a", want: { kind: "eof" }, line: 2 },
 *   { op: "send", on: "a", payload: { kind: "bytes", bytes: new Uint8Array(1) }, line: 3 },
 * ]).map((s) => s.line); // [1, 3, 2]
 * ```
 */
export function pipelinedSteps(steps: readonly Step[]): Step[] {
  const out: Step[] = [];
  let sends: Step[] = [];
  let expects: Step[] = [];
  let captured = new Set<string>();
  const flush = () => {
    out.push(...sends, ...expects);
    sends = [];
    expects = [];
    captured = new Set();
  };
  for (const s of steps) {
    const on = sends[0]?.on ?? expects[0]?.on;
    if (on !== undefined && s.on !== on) flush();
    if (s.op === "send") {
      // A send that needs a value an earlier reply captures waits for that reply.
      if (placeholdersIn(templateText(s.payload)).some((n) => captured.has(n))) flush();
      sends.push(s);
    } else if (s.op === "expect") {
      if (s.want.kind === "regex") {
        for (const g of s.want.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)) {
          captured.add(g[1]);
        }
      }
      expects.push(s);
    } else {
      flush();
      out.push(s);
    }
  }
  flush();
  return out;
}

/**
 * Steps with a shutdown of writing after the last send of each TCP connection that is not shut,
 * closed or aborted later anyway.
 *
 * @example
 * ```ts
 * import { halfClosedSteps } from "./transform.ts";
 * halfClosedSteps([
 *   { op: "open", on: "a", transport: "tcp", line: 1 },
 *   { op: "send", on: "a", payload: { kind: "bytes", bytes: new Uint8Array(1) }, line: 2 },
 * ]).map((s) => s.op); // ["open", "send", "shutdown"]
 * ```
 */
export function halfClosedSteps(steps: readonly Step[]): Step[] {
  const out = [...steps];
  const udp = new Set(
    steps.filter((s) => s.op === "open" && s.transport === "udp").map((s) => s.on),
  );
  for (const on of new Set(steps.map((s) => s.on))) {
    if (udp.has(on)) continue;
    const last = out.findLastIndex((s) => s.on === on && s.op === "send");
    if (last < 0) continue;
    if (out.slice(last).some((s) => s.on === on && ["shutdown", "close", "abort"].includes(s.op))) {
      continue;
    }
    out.splice(last + 1, 0, { op: "shutdown", on, line: out[last].line });
  }
  return out;
}

const same = (a: readonly Step[], b: readonly Step[]) =>
  a.length === b.length && a.every((s, i) => s === b[i]);

/** Every transformation, in case order. */
export const TRANSFORMATIONS: readonly Transformation[] = [
  {
    name: "as-written",
    title: "as written",
    why: "The scenario itself: each send one write, each reply read as it comes",
    cannot: () => null,
    plan: (_, s) => ({ steps: s.steps }),
  },
  {
    name: "byte-segments",
    title: "one byte per segment",
    why: "TCP is a byte stream: one send() may arrive as many recv()s, down to one byte each",
    cannot: (_, s) => noTcpSend(s),
    plan: (_, s) => ({ steps: s.steps, cut: "bytes" }),
  },
  {
    name: "cut-framing",
    title: "cut inside the framing",
    why:
      "A recv() may end inside a length header or a delimiter: a server must keep the part it has",
    cannot: (spec, s) =>
      spec.framing.kind === "stream"
        ? "stream framing has no header or delimiter to cut inside"
        : noTcpSend(s),
    plan: (_, s) => ({ steps: s.steps, cut: "framing" }),
  },
  {
    name: "random-cuts",
    title: "cut at seeded random places",
    why: "Segment boundaries fall anywhere; --seed replays the same cuts",
    cannot: (_, s) =>
      tcpSends(s).some((x) => x.op === "send" && sizeAtLeast2(x)) ? null : "no send has 2 bytes",
    plan: (_, s) => ({ steps: s.steps, cut: "random" }),
  },
  {
    name: "coalesced",
    title: "consecutive sends in one write",
    why: "Two send()s may arrive in one recv(): a server must not drop what follows a message",
    cannot: (_, s) =>
      s.steps.some((x, i) =>
          x.op === "send" && s.steps[i + 1]?.op === "send" &&
          s.steps[i + 1].on === x.on
        )
        ? noTcpSend(s)
        : "no connection sends twice in a row",
    plan: (_, s) => ({ steps: s.steps, coalesce: true }),
  },
  {
    name: "pipelined",
    title: "every request sent before reading",
    why: "A client may send several requests before reading a reply: each gets its reply, in order",
    cannot: (spec, s) =>
      !spec.pipelining
        ? "the file does not allow pipelining (pipelining = true)"
        : same(pipelinedSteps(s.steps), s.steps)
        ? "no connection sends after reading"
        : null,
    plan: (_, s) => ({ steps: pipelinedSteps(s.steps), coalesce: true }),
  },
  {
    name: "half-close",
    title: "half-closed after the last request",
    why:
      "A client may shut down writing after its last request (shutdown(SHUT_WR)): recv() returns 0, yet the replies are still owed",
    cannot: (spec, s) =>
      !spec.halfClose
        ? "the file does not allow half-close (half_close = true)"
        : same(halfClosedSteps(s.steps), s.steps)
        ? "every connection that sends is closed by the scenario itself"
        : null,
    plan: (_, s) => ({ steps: halfClosedSteps(s.steps) }),
  },
  {
    name: "copies",
    title: "several copies at once",
    why:
      "A server serves clients at once: copies of the scenario, each with its own {token}, must not see each other's data",
    cannot: (_, s) => s.alone ? "the scenario runs alone (alone = true)" : null,
    plan: (_, s) => ({ steps: s.steps, copies: true }),
  },
  {
    name: "beside-idle",
    title: "beside an idle client",
    why:
      "A client that connects and sends nothing must not stop the server serving others (a blocking accept-then-read loop does)",
    cannot: (spec) => spec.transports.includes("tcp") ? null : "the protocol has no TCP side",
    plan: (_, s) => ({ steps: s.steps, beside: "idle" }),
  },
  {
    name: "beside-unread",
    title: "beside a client that never reads",
    why:
      "A client that sends requests and never reads fills the server's send buffer: a blocking send() to it must not stall everyone else",
    cannot: (_, s) => s.alone ? "the scenario runs alone (alone = true)" : noTcpSend(s),
    plan: (_, s) => ({ steps: s.steps, beside: "unread" }),
  },
  {
    name: "after-garbage",
    title: "after garbage on another connection",
    why: "Bytes that are not a valid message must cost only their own connection, never the server",
    cannot: (spec, s) =>
      s.alone
        ? "the scenario runs alone (alone = true)"
        : spec.transports.includes("tcp")
        ? null
        : "the protocol has no TCP side",
    plan: (_, s) => ({ steps: s.steps, beside: "garbage" }),
  },
];

function sizeAtLeast2(step: Step): boolean {
  if (step.op !== "send") return false;
  return step.payload.kind !== "bytes" || step.payload.bytes.length >= 2;
}

/**
 * Offsets to cut a message at inside its framing: in the length header and at its end, or
 * inside and just before the delimiter.
 *
 * @example
 * ```ts
 * import { framingCuts } from "./transform.ts";
 * framingCuts({ kind: "length", bytes: 2 }, new Uint8Array(7)); // [1, 2]
 * framingCuts({ kind: "delimiter", delimiter: new Uint8Array([13, 10]) }, new Uint8Array(6)); // [4, 5]
 * ```
 */
export function framingCuts(framing: WireFraming, bytes: Uint8Array): number[] {
  switch (framing.kind) {
    case "stream":
      return [];
    case "length":
      return [1, framing.bytes];
    case "header":
      return [framing.at + 1, framing.size];
    case "delimiter": {
      const d = framing.delimiter.length;
      const end = bytes.length - d;
      return d > 1 ? [end, end + 1] : [end];
    }
  }
}
