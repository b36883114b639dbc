/**
 * One client case's exchange: its adversarial server on a fresh loopback port, the client under
 * test run once against it with the message on stdin, and what the verdict needs: the bytes the
 * server received, what the client printed, how it ended and when.
 *
 * @module
 */
import {
  type Adversary,
  type ReceivedDatagram,
  startAdversary,
  type TcpPeer,
} from "./adversary.ts";
import type { CaseContext } from "../case.ts";
import { clientContract } from "./contract.ts";
import { CLIENT_WAIT_MS, type ClientRun, runClient } from "./run.ts";
import { requestReply } from "../profile.ts";
import { WAITS } from "../waits.ts";

/** How long the server may go on reading after the client exited (see `WAITS`). */
const SETTLE_MS = WAITS.clientSettleMs;

/** Everything one run of the client against a case's server produced, and what it should have. */
export interface ClientExchange {
  /** The payload the case chose. */
  payload: Uint8Array;
  /** The client's stdin: the message. */
  stdin: Uint8Array;
  /** The request a correct client sends for it. */
  request: Uint8Array;
  /** The reply a correct server sends to that request. */
  reply: Uint8Array;
  /** What a correct client prints for that reply. */
  stdout: Uint8Array;
  /**
   * How long the client was given, in milliseconds, after the server's last act (its launch when
   * the server never acted); `run.overstay` says from what, for a client that was killed.
   */
  waitMs: number;
  /** The server's port, as filled into the client's command. */
  port: number;
  /** The client's run: exit, stdout, stderr, time. */
  run: ClientRun;
  /** The connections the server accepted (TCP), with what it read on each. */
  connections: readonly TcpPeer[];
  /** The datagrams the server received (UDP). */
  datagrams: readonly ReceivedDatagram[];
}

/**
 * Runs the client under test (`t.client`) once against an adversarial server: starts the server
 * on a fresh loopback port, launches the client with `{host}` and `{port}` filled in and the
 * message for `payload` on stdin (per the profile's client contract), waits until it exits or
 * the `client-wait` parameter (default 10 000 ms) passes after the server's last act (a send, a
 * close, a reset, an accept, a datagram received; its own pauses do not count), then stops the
 * server.
 *
 * @param t The case's context; skips the case without a client or a request/reply profile.
 * @param adversary How the server behaves.
 * @param payload The message's payload.
 * @returns What happened, and what should have.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type ClientExchange, exchangeWithClient } from "./exchange.ts";
 * import { runCase } from "../runner.ts";
 * const echo = {
 *   name: "echo",
 *   description: "",
 *   transports: ["tcp"] as const,
 *   framing: { kind: "stream" } as const,
 *   encode: (p: Uint8Array) => p,
 *   expectedReply: (r: Uint8Array) => r,
 * };
 * let seen: ClientExchange | undefined;
 * const result = await runCase({
 *   id: "demo.client",
 *   title: "A client that never connects prints nothing",
 *   requirement: "None",
 *   appliesTo: { client: true, transport: "tcp" },
 *   async run(t) {
 *     seen = await exchangeWithClient(t, { transport: "tcp" }, new TextEncoder().encode("hi"));
 *   },
 * }, { targets: {}, profile: echo, seed: 1, client: { command: "true {host} {port}" } });
 * assertEquals(result.outcome, "pass");
 * assertEquals(seen?.run.exit?.code, 0);
 * ```
 */
export async function exchangeWithClient(
  t: CaseContext,
  adversary: Adversary,
  payload: Uint8Array,
): Promise<ClientExchange> {
  const client = t.client;
  const profile = requestReply(t);
  const contract = clientContract(profile);
  const request = profile.encode(payload);
  const reply = profile.expectedReply(request);
  const stdin = contract.stdin(payload);
  const stdout = contract.stdout(reply);
  const waitMs = t.param("client-wait", CLIENT_WAIT_MS);
  const server = startAdversary(adversary, {
    profile,
    transcript: t.transcript,
    signal: t.signal,
    timeoutMs: t.timeoutMs,
    expected: request,
  });
  try {
    const run = await runClient({
      client,
      host: server.host,
      port: server.port,
      stdin,
      waitMs,
      clock: server.clock,
      outputCap: stdout.length + 64 * 1024,
      transcript: t.transcript,
      signal: t.signal,
    });
    await server.settle(SETTLE_MS);
    return {
      payload,
      stdin,
      request,
      reply,
      stdout,
      waitMs,
      port: server.port,
      run,
      connections: server.connections,
      datagrams: server.datagrams,
    };
  } finally {
    await server.close();
  }
}
