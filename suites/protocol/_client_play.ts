/**
 * What the client cases of a protocol file share, over TCP and UDP: a server-side transformation,
 * the client's side of the file's `[client]` contract for one scenario, and the verdict on how
 * the client ended.
 *
 * @module
 */
import { concat } from "@std/bytes";
import {
  type CaseContext,
  type ClientRun,
  firstDifference,
  type TcpClient,
} from "../../harness/mod.ts";
import type { ClientSide, ProtocolSpec, Scenario, Step } from "./spec.ts";
import { fill, textBytes } from "./template.ts";

/** A server-side transformation of the replies. */
export interface ClientTransformation {
  name: string;
  title: string;
  why: string;
  framing?: boolean;
  /** The transports it applies to (default TCP only). */
  transports?: readonly ("tcp" | "udp")[];
  /** Waits this long before each reply. */
  lateMs?: number;
  /** UDP: the server ignores the first datagram it gets, so the client must send it again. */
  drops?: boolean;
  /** The server closes after half the first reply: the client must fail, not print or hang. */
  closesEarly?: boolean;
  /** With `closesEarly`: the server resets (RST) instead of closing (FIN). */
  resets?: boolean;
  /** Writes one reply to the client. */
  reply(conn: TcpClient, bytes: Uint8Array, spec: ProtocolSpec, t: CaseContext): Promise<unknown>;
}

/** What the client under test gets and must print for one scenario: its command, stdin, stdout. */
export interface ClientPlay {
  client: CaseContext["client"];
  stdin: Uint8Array;
  /** What a correct client prints (the replies as they came). */
  stdout: Uint8Array;
}

/**
 * The client's side of the file's `[client]` contract for `scenario` with placeholder values
 * `vars`: its arguments appended to the command, what it reads, what it must print.
 *
 * @example
 * ```ts ignore
 * const { client, stdin, stdout } = clientPlay(t, spec, scenario, vars);
 * ```
 */
export function clientPlay(
  t: CaseContext,
  spec: ProtocolSpec,
  scenario: Scenario,
  vars: ReadonlyMap<string, Uint8Array>,
): ClientPlay {
  const sends = scenario.steps.filter((s): s is Step & { op: "send" } => s.op === "send");
  const replies = scenario.steps.flatMap((s) =>
    s.op === "expect" && s.want.kind === "exact" ? [s.want.payload] : []
  );
  const contract = spec.client;
  const stdin = contract.stdin === "requests"
    ? concat(sends.map((s) => fill(s.payload, vars)))
    : new Uint8Array(0);
  const stdout = concat(replies.map((p) => fill(p, vars)));
  const args = new TextDecoder().decode(
    fill(
      { kind: "template", text: contract.args },
      new Map([...vars, ["host", textBytes("{host}")], ["port", textBytes("{port}")]]),
    ),
  );
  const client = args === "" ? t.client : { ...t.client, command: `${t.client.command} ${args}` };
  return { client, stdin, stdout };
}

/**
 * Fails the case unless the client exited 0 and, where the contract asks, printed `stdout`.
 *
 * @example
 * ```ts ignore
 * judgeClientExit(t, run, spec.client, stdout);
 * ```
 */
export function judgeClientExit(
  t: CaseContext,
  run: ClientRun,
  contract: ClientSide,
  stdout: Uint8Array,
): void {
  if (run.exit === null) t.fail(`The client did not exit within the wait: killed by sockspec`);
  if (run.exit.code !== 0) t.fail(`The client ended with ${run.exit.description}`);
  if (contract.stdout === "nothing") return;
  const printed = run.stdout.bytes;
  if (firstDifference(printed, stdout) >= 0) {
    t.fail("The client printed something other than the replies it got", {
      expected: stdout,
      actual: printed,
    });
  }
}
