/**
 * Plays a scenario's steps over named connections: opens them, sends (cut as the transformation
 * says), and judges each reply. A failure names the step and its line in the protocol file.
 *
 * @module
 */
import { concat } from "@std/bytes";
import {
  byteText,
  type CaseContext,
  CaseFailure,
  describeBytes,
  firstDifference,
  randomCuts,
  type Rng,
  type SplitPlan,
  type Target,
  type TcpClient,
  type UdpClient,
  WAITS,
} from "../../harness/mod.ts";
import { messageLength } from "./message.ts";
import type { Expectation, ProtocolSpec, Step } from "./spec.ts";
import { bytesText, fill, randomOf, textBytes } from "./template.ts";
import { framingCuts, type PlayPlan } from "./transform.ts";

/**
 * The replies of a run that checks the file's own expects only (the reference's check before a
 * run): a step that leaves its reply out reads one message and accepts it.
 */
export const UNLEARNED: ReadonlyMap<Step, Uint8Array> = new Map();

/** Placeholder values of one copy of a scenario; regex captures are added as steps run. */
export type Vars = Map<string, Uint8Array>;

/**
 * Fresh placeholder values for copy `copy`: `{token}` and each random placeholder the file
 * defines, drawn from `rng` without the file's forbidden bytes.
 *
 * @example
 * ```ts
 * import { makeRng } from "../../harness/mod.ts";
 * import { varsFor } from "./play.ts";
 * const spec = { placeholders: {}, forbidden: [], framing: { kind: "stream" } } as const;
 * new TextDecoder().decode(varsFor(spec, makeRng(1), 2).get("token")).startsWith("c2"); // true
 * ```
 */
export function varsFor(
  spec: Pick<ProtocolSpec, "placeholders" | "forbidden" | "framing">,
  rng: Rng,
  copy: number,
): Vars {
  const avoid = [
    ...spec.forbidden,
    ...(spec.framing.kind === "delimiter" ? spec.framing.delimiter : []),
  ];
  const vars: Vars = new Map();
  vars.set("token", textBytes(`c${copy}${bytesText(randomOf(rng, 6, "alnum", []))}`));
  for (const [name, p] of Object.entries(spec.placeholders)) {
    vars.set(name, randomOf(rng, p.random, p.class, avoid));
  }
  return vars;
}

/** How one copy of a scenario is played. */
export interface CopyOptions {
  /** Where to (default: the case's target). */
  to?: { tcp?: Target; udp?: Target };
  /** Put before connection names in the transcript (`ref ` for the reference, `2` for copy 2). */
  label: (on: string) => string;
  vars: Vars;
  /** The replies the reference sent, for `expect` steps that give none. */
  learned?: ReadonlyMap<Step, Uint8Array>;
  /** Where to keep each reply read (the reference run fills it). */
  record?: Map<Step, Uint8Array>;
}

/**
 * Plays `plan`'s steps once. Fails the case (CaseFailure) naming the step, its file line and
 * what came, at the first step the target gets wrong.
 *
 * @example
 * ```ts ignore
 * await playCopy(t, spec, { steps: scenario.steps }, { label: (on) => on, vars });
 * ```
 */
export async function playCopy(
  t: CaseContext,
  spec: ProtocolSpec,
  plan: PlayPlan,
  options: CopyOptions,
): Promise<void> {
  const conns = new Map<string, TcpClient | UdpClient>();
  const steps = plan.steps;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const where = `Step ${spec.path}:${step.line} (${step.op} on ${options.label(step.on)})`;
    try {
      if (step.op === "open") {
        const label = options.label(step.on);
        conns.set(
          step.on,
          step.transport === "tcp"
            ? await t.connect({ label, to: options.to?.tcp })
            : t.datagram({ label, to: options.to?.udp }),
        );
        continue;
      }
      const conn = conns.get(step.on)!;
      if (step.op === "send") {
        // A send right after a send on the same connection is its own write, a moment later:
        // only `coalesced` (and `pipelined`) join them into one.
        const previous = steps[i - 1];
        if (!plan.coalesce && previous?.op === "send" && previous.on === step.on) {
          await t.sleep(WAITS.sendGapMs);
        }
        let bytes = fill(step.payload, options.vars);
        while (plan.coalesce && steps[i + 1]?.op === "send" && steps[i + 1].on === step.on) {
          const next = steps[++i];
          bytes = concat([bytes, fill((next as Step & { op: "send" }).payload, options.vars)]);
        }
        if ("receive" in conn) {
          await conn.send(bytes);
          continue;
        }
        const cut = plan.cut === undefined ? undefined : splitPlan(plan.cut, spec, bytes, t.rng);
        const r = cut ? await conn.sendChunked(bytes, cut) : await conn.send(bytes);
        if (r.end === "timeout") {
          throw new CaseFailure(
            `The target stopped reading: it took ${r.sent} of ${bytes.length} bytes`,
            { expected: bytes, actual: bytes.subarray(0, r.sent) },
          );
        }
        if (r.end === "reset") {
          throw new CaseFailure(
            `The connection was reset after ${r.sent} of ${bytes.length} bytes were sent`,
          );
        }
        continue;
      }
      if (step.op === "expect") {
        await expectOn(t, spec, conn, step, options);
        continue;
      }
      if ("receive" in conn) {
        await conn.close();
      } else if (step.op === "shutdown") await conn.closeWrite();
      else if (step.op === "abort") await conn.abort();
      else await conn.close();
    } catch (e) {
      if (e instanceof CaseFailure) throw new CaseFailure(`${where}: ${e.message}`, e.evidence);
      throw e;
    }
  }
}

function splitPlan(
  cut: NonNullable<PlayPlan["cut"]>,
  spec: ProtocolSpec,
  bytes: Uint8Array,
  rng: Rng,
): SplitPlan {
  if (cut === "bytes") return { sizes: [1], gapMs: WAITS.byteGapMs };
  if (cut === "framing") return { cuts: framingCuts(spec.framing, bytes), gapMs: WAITS.splitGapMs };
  return { cuts: randomCuts(rng, bytes.length, 3), gapMs: WAITS.randomGapMs };
}

async function expectOn(
  t: CaseContext,
  spec: ProtocolSpec,
  conn: TcpClient | UdpClient,
  step: Step & { op: "expect" },
  options: CopyOptions,
): Promise<void> {
  const want = step.want;
  const known = want.kind === "exact"
    ? fill(want.payload, options.vars)
    : want.kind === "learned"
    ? options.learned?.get(step)
    : undefined;
  if (want.kind === "learned" && options.learned && options.learned !== UNLEARNED && !known) {
    t.error(`The reference sent no reply for the step at ${spec.path}:${step.line}`);
  }
  if (want.kind === "learned" && !options.learned && !options.record) {
    t.error(
      `The reply of the step at ${spec.path}:${step.line} comes from the reference program, ` +
        "and none was launched for this run",
    );
  }
  if ("receive" in conn) {
    if (want.kind === "nothing") {
      const got = await conn.receiveFor(want.ms, { max: 1 });
      if (got.length > 0) {
        throw new CaseFailure(
          `A datagram of ${got[0].data.length} bytes came where none should for ${want.ms} ms`,
          { expected: "no datagram", actual: got[0].data },
        );
      }
      return;
    }
    const d = await conn.receive();
    if (!d) throw new CaseFailure(`No datagram came within ${t.timeoutMs} ms`);
    options.record?.set(step, d.data);
    judge(want, d.data, known, options.vars);
    return;
  }
  switch (want.kind) {
    case "nothing": {
      const r = await conn.readFor(want.ms);
      if (r.bytes.length > 0) {
        throw new CaseFailure(
          `${describeBytes(r.bytes, 40)} came where nothing should for ${want.ms} ms`,
          { expected: `nothing for ${want.ms} ms`, actual: r.bytes },
        );
      }
      if (r.end === "eof" || r.end === "reset") {
        throw new CaseFailure(
          `The target ${
            r.end === "eof" ? "closed" : "reset"
          } the connection where it should stay quiet for ${want.ms} ms`,
        );
      }
      return;
    }
    case "eof":
      return await conn.expectEof();
    case "reset":
    case "closed": {
      const r = await conn.readUntil(() => -1, { max: 4096 });
      if (
        r.bytes.length === 0 && (r.end === "reset" || (r.end === "eof" && want.kind === "closed"))
      ) {
        return;
      }
      throw new CaseFailure(
        r.bytes.length > 0
          ? `${describeBytes(r.bytes, 40)} came where the connection should be ${
            want.kind === "reset" ? "reset" : "closed"
          }`
          : r.end === "eof"
          ? "The target closed the connection in order (FIN) where it should reset it (RST)"
          : `The connection stayed open: no ${
            want.kind === "reset" ? "reset" : "close"
          } within ${t.timeoutMs} ms`,
        {
          expected: want.kind === "reset" ? "connection reset (RST)" : "EOF or reset",
          actual: r.bytes,
        },
      );
    }
  }
  const hint = known?.length ?? (want.kind === "length" ? want.length : undefined);
  const regex = want.kind === "regex" ? want.regex : undefined;
  const r = await conn.readUntil(
    (b) => {
      if (regex && spec.framing.kind === "stream") {
        const m = regex.exec(bytesText(b));
        return m ? m.index + m[0].length : -1;
      }
      if (known && spec.framing.kind !== "stream") {
        // Stop at the first wrong byte: a wrong reply may never complete a frame.
        const n = Math.min(b.length, known.length);
        if (firstDifference(b.subarray(0, n), known.subarray(0, n)) >= 0) return n;
      }
      return messageLength(spec.framing, b, hint);
    },
    { max: spec.maxMessage + 16, what: "the reply" },
  );
  if (r.end !== "done") {
    const facts = r.end === "eof"
      ? "the target closed the connection"
      : r.end === "reset"
      ? "the connection was reset"
      : r.end === "cap"
      ? `more than max_message (${spec.maxMessage}) bytes came without a whole message`
      : `no whole message within ${t.timeoutMs} ms`;
    throw new CaseFailure(
      `Expected a reply, but ${facts}${r.bytes.length > 0 ? ` after ${r.bytes.length} bytes` : ""}`,
      { expected: known ?? describe(want), actual: r.bytes },
    );
  }
  options.record?.set(step, r.bytes);
  judge(want, r.bytes, known, options.vars, options.learned?.get(step));
}

function describe(want: Expectation): string {
  switch (want.kind) {
    case "regex":
      return `a message matching /${want.source}/`;
    case "length":
      return `a message of ${want.length} bytes`;
    default:
      return "a message";
  }
}

/**
 * Checks one whole message against what the step wants; fills captures into `vars`. A regex
 * message the reference also answered must equal the reference's outside its named parts.
 */
function judge(
  want: Expectation,
  got: Uint8Array,
  known: Uint8Array | undefined,
  vars: Vars,
  reference?: Uint8Array,
) {
  if (known) {
    const at = firstDifference(got, known);
    if (at < 0) return;
    throw new CaseFailure(
      at >= known.length || at >= got.length
        ? `The reply has ${got.length} bytes where ${known.length} were expected`
        : `The reply differs at byte ${at}: expected ${byteText(known[at])}, got ${
          byteText(got[at])
        }`,
      { expected: known, actual: got },
    );
  }
  if (want.kind === "length") {
    if (got.length === want.length) return;
    throw new CaseFailure(
      `The reply has ${got.length} bytes where ${want.length} were expected`,
      { expected: `${want.length} bytes`, actual: got },
    );
  }
  if (want.kind === "regex") {
    const m = want.regex.exec(bytesText(got));
    if (!m) {
      throw new CaseFailure(`The reply does not match /${want.source}/`, {
        expected: `a message matching /${want.source}/`,
        actual: got,
      });
    }
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      if (v !== undefined) vars.set(k, textBytes(v));
    }
    const theirs = reference && want.regex.exec(bytesText(reference));
    if (theirs && masked(m) !== masked(theirs)) {
      throw new CaseFailure(
        `The reply differs from the reference's outside the parts /${want.source}/ names`,
        { expected: reference, actual: got },
      );
    }
  }
}

/**
 * A regex match's text with each named part replaced by `{name}`: what must agree with the
 * reference's reply.
 */
function masked(m: RegExpExecArray): string {
  const spans = Object.entries(m.indices?.groups ?? {})
    .flatMap(([name, span]) => span ? [{ name, from: span[0], to: span[1] }] : [])
    .sort((a, b) => b.from - a.from);
  let text = m.input;
  for (const s of spans) text = `${text.slice(0, s.from)}{${s.name}}${text.slice(s.to)}`;
  return text;
}
