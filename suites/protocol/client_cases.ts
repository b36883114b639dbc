/**
 * Client cases of a protocol file (`--client`): sockspec plays the server's side of each
 * one-connection scenario. What the scenario sends becomes what the server waits for, its
 * expects become the server's replies (two sends in a row: it waits for both, then replies); the client reads the requests on stdin and prints the
 * replies on stdout (the default contract of a line or binary client; the file's `[client]`
 * table changes it: arguments, stdin, stdout), and exits 0, or non-zero
 * when the server closes or resets in the middle of a reply. Ids are
 * `<protocol>.client.<scenario>.<transformation>`.
 *
 * @module
 */
import {
  type Case,
  type CaseContext,
  CaseFailure,
  CLIENT_WAIT_MS,
  firstDifference,
  runClient,
  ServerClock,
  TcpClient,
  WAITS,
} from "../../harness/mod.ts";
import { messageLength } from "./message.ts";
import { varsFor } from "./play.ts";
import type { ProtocolSpec, Scenario, Step } from "./spec.ts";
import { fill } from "./template.ts";
import { framingCuts } from "./transform.ts";
import { playServerSideUdp } from "./client_udp.ts";
import { clientPlay, type ClientTransformation, judgeClientExit } from "./_client_play.ts";

const CLIENT_TRANSFORMATIONS: readonly ClientTransformation[] = [
  {
    name: "as-written",
    title: "replies as written",
    why: "The scenario itself, from the server's side",
    transports: ["tcp", "udp"],
    reply: (c, b) => c.send(b),
  },
  {
    name: "byte-segments",
    title: "replies one byte per segment",
    why: "One recv() may return one byte of a reply: a client loops until the reply is whole",
    reply: (c, b) => c.sendChunked(b, { sizes: [1], gapMs: WAITS.byteGapMs }),
  },
  {
    name: "cut-framing",
    title: "replies cut inside the framing",
    why: "A recv() may end inside a length header or a delimiter",
    framing: true,
    reply: (c, b, spec) => c.sendChunked(b, { cuts: framingCuts(spec.framing, b), gapMs: 50 }),
  },
  {
    name: "late",
    title: "replies late",
    why:
      "A reply may take its time: a client waits for it rather than giving up or reading nothing",
    transports: ["tcp", "udp"],
    lateMs: WAITS.slowReplyMs,
    reply: async (c, b, _spec, t) => {
      await t.sleep(WAITS.slowReplyMs);
      return c.send(b);
    },
  },
  {
    name: "dropped",
    title: "the first datagram is lost",
    why:
      "UDP may lose a datagram: a client that hears no reply sends its request again (a time-out and a retry), rather than waiting forever",
    transports: ["udp"],
    drops: true,
    reply: (c, b) => c.send(b),
  },
  {
    name: "early-close",
    title: "the server closes in the middle of a reply",
    why:
      "A server may close with a reply half sent: recv() returns 0 early, and the client must say so and exit non-zero, not print half a reply or wait forever",
    closesEarly: true,
    reply: (c, b) => c.send(b.subarray(0, Math.max(1, Math.floor(b.length / 2)))),
  },
  {
    name: "reset",
    title: "the server resets the connection in the middle of a reply",
    why:
      "A server may reset with a reply half sent: recv() fails with ECONNRESET (a later send() raises SIGPIPE), and the client must say so and exit non-zero, not take the error for the end of the replies",
    closesEarly: true,
    resets: true,
    reply: (c, b) => c.send(b.subarray(0, Math.max(1, Math.floor(b.length / 2)))),
  },
];

/**
 * The names of the client-side transformations, the last part of each client case id.
 *
 * @example
 * ```ts
 * import { CLIENT_TRANSFORMATION_NAMES } from "./client_cases.ts";
 * CLIENT_TRANSFORMATION_NAMES.includes("reset"); // true
 * ```
 */
export const CLIENT_TRANSFORMATION_NAMES: readonly string[] = CLIENT_TRANSFORMATIONS.map((t) =>
  t.name
);

/** Why a scenario cannot be played from the server's side, or null. */
function cannot(s: Scenario): string | null {
  const opens = s.steps.filter((x) => x.op === "open");
  if (opens.length !== 1) return "it is not one connection or socket";
  const bad = s.steps.find((x) =>
    x.op === "expect" && x.want.kind !== "exact" && x.want.kind !== "eof" ||
    x.op === "abort" || x.op === "shutdown"
  );
  return bad ? `its step at line ${bad.line} has no fixed bytes to play` : null;
}

/**
 * Whether the scenario's client writes ahead: sends twice in a row, before the reply it is owed.
 * The server then waits for both requests before it replies, as the scenario has it.
 */
function writesAhead(s: Scenario): boolean {
  return s.steps.some((x, i) => x.op === "send" && s.steps[i - 1]?.op === "send");
}

/**
 * The client cases of a protocol file.
 *
 * @example
 * ```ts
 * import { loadProtocolFile } from "./load.ts";
 * import { protocolClientCases } from "./client_cases.ts";
 * protocolClientCases(loadProtocolFile("suites/protocol/examples/kv.toml").protocol)[0].id;
 * // "kv.client.missing.as-written"
 * ```
 */
export function protocolClientCases(spec: ProtocolSpec): Case[] {
  return spec.scenarios.filter((s) => cannot(s) === null).flatMap((scenario) => {
    const open = scenario.steps[0] as Step & { op: "open" };
    const transport = open.transport;
    return CLIENT_TRANSFORMATIONS.filter((tr) =>
      (tr.transports ?? ["tcp"]).includes(transport) &&
      (!tr.framing || spec.framing.kind !== "stream")
    ).map(
      (tr): Case => ({
        id: `${spec.name}.client.${scenario.name}.${tr.name}`,
        title: `client: ${scenario.name}, ${tr.title}`,
        requirement: `${scenario.requirement} (${tr.why}${
          writesAhead(scenario)
            ? "; the client writes its requests back to back, and the server answers once both are in"
            : ""
        })`,
        appliesTo: { client: true, transport, profiles: [spec.name] },
        run: (t) =>
          transport === "udp"
            ? playServerSideUdp(t, spec, scenario, tr)
            : playServerSide(t, spec, scenario, tr),
      }),
    );
  });
}

async function playServerSide(
  t: CaseContext,
  spec: ProtocolSpec,
  scenario: Scenario,
  tr: ClientTransformation,
): Promise<void> {
  const vars = varsFor(spec, t.rng, 1);
  // The client's contract ([client]): its arguments, what it reads and what it must print.
  const { client, stdin, stdout } = clientPlay(t, spec, scenario, vars);
  const contract = spec.client;
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let noReset = false;
  // The client's wait counts from the server's last act (a slow launch or the server's own paced
  // reply is no time of the client's).
  const clock = new ServerClock();
  const served = (async () => {
    const raw = await listener.accept();
    clock.mark("the server accepted the connection");
    const conn = new TcpClient(raw, {
      label: "server",
      transcript: t.transcript,
      signal: t.signal,
      timeoutMs: t.timeoutMs,
    });
    try {
      for (const step of scenario.steps) {
        const where =
          `Step ${spec.path}:${step.line} (${step.op} on ${step.on}, played by the server)`;
        if (step.op === "send") {
          const want = fill(step.payload, vars);
          const r = await conn.readUntil((b) => messageLength(spec.framing, b, want.length));
          if (r.end !== "done" || firstDifference(r.bytes, want) >= 0) {
            throw new CaseFailure(`${where}: the client did not send this request`, {
              expected: want,
              actual: r.bytes,
            });
          }
        } else if (step.op === "expect" && step.want.kind === "exact") {
          await clock.hold(tr.reply(conn, fill(step.want.payload, vars), spec, t));
          if (tr.resets) {
            noReset = !await conn.reset();
            clock.mark("the server reset the connection");
          }
          if (tr.closesEarly) return; // the finally closes: FIN in the middle of the reply
        } else if (step.op === "expect" && step.want.kind === "eof") {
          await conn.close();
          clock.mark("the server closed the connection");
        } else if (step.op === "close") {
          await conn.expectEof({ what: `(${where})` });
        }
      }
    } finally {
      await conn.close();
      clock.mark("the server closed the connection");
    }
  })();
  // A server side that fails while the client still runs is judged below, once the client ends:
  // marked as handled now, so its rejection is not an uncaught error meanwhile.
  served.catch(() => {});
  const run = await runClient({
    client,
    host: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
    stdin,
    waitMs: t.param("client-wait", CLIENT_WAIT_MS),
    clock,
    transcript: t.transcript,
    signal: t.signal,
  });
  listener.close();
  await served.catch((e) => {
    if (e instanceof CaseFailure) throw e;
    if (run.exit === null || run.exit.code !== 0) return; // the client's own end says more
    throw e;
  });
  if (noReset) t.skip("Cannot send a RST without FFI and /proc (--allow-all)");
  if (run.exit === null) t.fail(`The client did not exit within the wait: killed by sockspec`);
  if (tr.closesEarly) {
    if (run.exit.code === 0) {
      const how = tr.resets ? "reset the connection" : "closed";
      t.fail(`The server ${how} in the middle of a reply, and the client still exited 0`, {
        expected: "a non-zero exit status and a line on stderr",
        actual: run.stdout.bytes,
      });
    }
    return;
  }
  judgeClientExit(t, run, contract, stdout);
}
