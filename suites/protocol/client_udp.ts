/**
 * The server's side of a one-socket UDP scenario, for a client under `--client`: each datagram the
 * scenario sends is one the server waits for, each of its expects a datagram the server sends back
 * to where the request came from (late, or after losing the first request, as the transformation
 * says).
 *
 * @module
 */
import { equals } from "@std/bytes";
import {
  atDeadline,
  type CaseContext,
  CaseFailure,
  CLIENT_WAIT_MS,
  firstDifference,
  type ReceivedDatagram,
  type RequestReplyProfile,
  runClient,
  ServerClock,
  UdpPeer,
} from "../../harness/mod.ts";
import { clientPlay, type ClientTransformation, judgeClientExit } from "./_client_play.ts";
import { varsFor } from "./play.ts";
import type { ProtocolSpec, Scenario } from "./spec.ts";
import { fill } from "./template.ts";

/**
 * Plays `scenario`'s server over a UDP socket while the client under test runs, then judges the
 * client: the requests it sent, its exit status and what it printed.
 *
 * @example
 * ```ts ignore
 * await playServerSideUdp(t, spec, scenario, transformation);
 * ```
 */
export async function playServerSideUdp(
  t: CaseContext,
  spec: ProtocolSpec,
  scenario: Scenario,
  tr: ClientTransformation,
): Promise<void> {
  const vars = varsFor(spec, t.rng, 1);
  const { client, stdin, stdout } = clientPlay(t, spec, scenario, vars);
  const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  const port = (socket.addr as Deno.NetAddr).port;
  const peer = new UdpPeer(socket, {
    profile: t.profile as RequestReplyProfile,
    transcript: t.transcript,
    signal: t.signal,
  });
  // No datagram within the time-out: the socket closes, and the wait returns null.
  // The client's wait counts from the server's last act, not from its launch.
  const clock = new ServerClock();
  const receive = async (): Promise<ReceivedDatagram | null> => {
    const cancel = atDeadline(t.timeoutMs, () => peer.close());
    try {
      const got = await peer.receive();
      if (got) clock.mark("the server received a datagram");
      return got;
    } finally {
      cancel();
    }
  };
  let clientDone = false;
  let endedFirst = false;
  const served = (async () => {
    let from: ReceivedDatagram["from"] | undefined;
    let dropped = !tr.drops;
    let last: Uint8Array | undefined;
    for (const step of scenario.steps) {
      const where =
        `Step ${spec.path}:${step.line} (${step.op} on ${step.on}, played by the server)`;
      if (step.op === "send") {
        const want = fill(step.payload, vars);
        let got = await receive();
        // A client that heard no reply in time sends its last request again: that is no new one.
        while (got && last && equals(got.data, last) && !equals(got.data, want)) {
          peer.note("a retransmission of the last request: the server ignores it");
          got = await receive();
        }
        if (got && !dropped) {
          dropped = true;
          peer.note("the server drops this datagram, as a network may: the client must send again");
          got = await receive();
        }
        if (!got) {
          endedFirst = clientDone;
          throw new CaseFailure(
            clientDone
              ? `${where}: the client ended before it sent this request`
              : `${where}: no datagram came within ${t.timeoutMs} ms`,
            { expected: want, actual: "no datagram" },
          );
        }
        if (firstDifference(got.data, want) >= 0) {
          throw new CaseFailure(`${where}: the client did not send this request`, {
            expected: want,
            actual: got.data,
          });
        }
        from = got.from;
        last = want;
      } else if (step.op === "expect" && step.want.kind === "exact" && from) {
        if (tr.lateMs) await clock.hold(peer.sleep(tr.lateMs));
        await peer.send(fill(step.want.payload, vars), from);
        clock.mark("the server's last send");
      }
    }
  })();
  // The server's failure (a request that never came) ends the wait for the client at once.
  const stop = new AbortController();
  served.catch((e) => stop.abort(e));
  let run;
  try {
    run = await runClient({
      client,
      host: "127.0.0.1",
      port,
      stdin,
      waitMs: t.param("client-wait", CLIENT_WAIT_MS),
      clock,
      transcript: t.transcript,
      signal: AbortSignal.any([t.signal, stop.signal]),
    });
  } catch (e) {
    if (stop.signal.aborted) throw stop.signal.reason;
    throw e;
  } finally {
    clientDone = true;
    peer.close();
  }
  await served.catch((e) => {
    // A client that failed before its requests were all sent: its own end says more.
    if (endedFirst && run.exit !== null && run.exit.code !== 0) return;
    throw e;
  });
  judgeClientExit(t, run, spec.client, stdout);
}
