/**
 * `tcp.halfclose`: how a server handles the ends of a connection: the client's half-close
 * (`shutdown(SHUT_WR)`, the server's `recv()` returns 0), a close before any byte, and a reset.
 *
 * @module
 */
import { concat } from "@std/bytes";
import {
  type Case,
  type CaseContext,
  liveProcesses,
  requestReply,
  sampleRequest,
  type TcpClient,
  WAITS,
} from "../../harness/mod.ts";
import { transportHints } from "../wrong_transport.ts";

/** What a connection left open after the client's EOF usually means. */
const LEAK_HINT =
  "A server that does not close() a connection once recv() returns 0 keeps a descriptor for every finished client, until accept() fails with EMFILE (in a fork-per-client server the parent must close() the accepted descriptor too, or the child's close() sends no FIN).";

/** A request followed at once by the client's half-close still gets its whole reply, then EOF. */
export const replyAfterShutdown: Case = {
  id: "tcp.halfclose.reply-after-shutdown",
  title: "After the client shuts down its sending side, the whole reply still arrives, then EOF",
  requirement:
    "shutdown(SHUT_WR) closes only the client's direction: the server still answers what it read, then sees recv() == 0 and closes its side",
  appliesTo: { transport: "tcp", requestReply: true },
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect();
    const request = sampleRequest(p, t.rng, 64);
    await c.send(request);
    await c.closeWrite();
    await c.expect(p.expectedReply(request), {
      what: "reply to the request sent just before the client's shutdown(SHUT_WR)",
    });
    await c.expectEof({ what: "after the reply to a half-closed client", ifOpen: LEAK_HINT });
  },
};

/** A client that half-closes without sending anything is closed, not left hanging. */
export const eofCloses: Case = {
  id: "tcp.halfclose.eof-closes",
  title: "A client that shuts down without sending a byte gets the connection closed",
  requirement:
    "recv() == 0 means the client will send nothing more; the server must close the connection instead of waiting forever",
  appliesTo: { transport: "tcp", requestReply: true },
  hooks: transportHints,
  async run(t) {
    const c = await t.connect();
    await c.closeWrite();
    await c.expectEof({
      what: "after the client shut down its sending side without sending a byte",
      ifOpen: LEAK_HINT,
    });
  },
};

/** A connection opened and closed at once does not hurt the server. */
export const connectClose: Case = {
  id: "tcp.halfclose.connect-close",
  title: "A client that connects and closes without a byte does not stop the server",
  requirement:
    "A peer may close before sending anything (port scanners, health checks); recv() == 0 ends that connection only",
  appliesTo: { transport: "tcp", requestReply: true },
  hooks: transportHints,
  async run(t) {
    const c = await t.connect();
    await c.close();
    await t.sleep(WAITS.settleMs);
    await t.liveness("a client connected and closed without sending a byte");
  },
};

/** Bytes of requests the abort case sends at most while waiting for the server to block. */
const ABORT_MAX_BYTES = 64 * 1024 * 1024;

/** A client that resets the connection while the server is sending does not stop the server. */
export const abort: Case = {
  id: "tcp.halfclose.abort",
  title: "A client that resets the connection mid-exchange does not stop the server",
  requirement:
    "A peer may reset (RST) at any time; the server's recv() or send() then fails with ECONNRESET or EPIPE, which must end that connection only (and SIGPIPE must not kill the process)",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const c = await t.connect();
    const requests: Uint8Array[] = [];
    for (let size = 0; size < 256 * 1024;) {
      requests.push(sampleRequest(p, t.rng, 1000));
      size += requests.at(-1)!.length;
    }
    const block = concat(requests);
    // Send requests and read no reply until the send blocks: the replies then fill the client's
    // receive buffer and the server's send buffer, and the server waits inside send(). Closing
    // with replies unread and requests unsent makes the kernel reset (RST) without a FIN first.
    let sent = 0;
    while (sent < ABORT_MAX_BYTES) {
      const r = await c.send(block, { timeoutMs: WAITS.blockedMs });
      sent += r.sent;
      if (r.end !== "done") break;
    }
    t.transcript.record(c.label, "note", {
      detail: `${sent} request bytes sent, no reply read; resetting the connection now`,
    });
    await c.abort();
    await t.sleep(WAITS.settleMs);
    await t.liveness("a client reset the connection (RST) while the server was sending replies");
  },
};

/** Bytes of requests the close-before-reply case sends at most while waiting for the server to block. */
const CLOSE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A client that sends its requests and closes without reading a reply costs only its connection.
 * The client sends until the server stops taking requests (its replies fill the client's unread
 * receive buffer and its own send buffer, so it waits inside send() with requests still queued),
 * then closes. The kernel answers the close with a reset (replies are unread); the server's
 * blocked send() then fails with ECONNRESET and, as it still holds requests, its next send() with
 * EPIPE, which raises SIGPIPE unless it is ignored. Probed on loopback
 * (`fixtures/sigpipe_probe.ts`): this sequence killed both SIGPIPE mutants 10 times in 10.
 */
export const closeBeforeReply: Case = {
  id: "tcp.halfclose.close-before-reply",
  title: "A client that closes before reading its replies does not stop the server",
  requirement:
    "A server must survive a client that closes before reading its reply: send() to it fails (ECONNRESET, then EPIPE) and raises SIGPIPE, which kills the process unless it is ignored (signal(SIGPIPE, SIG_IGN) or MSG_NOSIGNAL); the server checks send()'s result and ends that connection only",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const before = openFds(t);
    const c = await t.connect();
    const requests: Uint8Array[] = [];
    for (let size = 0; size < 64 * 1024;) {
      requests.push(sampleRequest(p, t.rng, 1000));
      size += requests.at(-1)!.length;
    }
    const block = concat(requests);
    let sent = 0;
    let end = "limit";
    while (sent < CLOSE_MAX_BYTES) {
      const r = await c.send(block, { timeoutMs: WAITS.blockedMs });
      sent += r.sent;
      if (r.end !== "done") {
        end = r.end === "timeout" ? "the server stopped taking requests" : "the server reset";
        break;
      }
    }
    t.transcript.record(c.label, "note", {
      detail: `${sent} request bytes sent, no reply read (${
        end === "limit" ? "the server kept reading" : end
      }); closing now`,
    });
    // In address mode nothing shows the server's processes: an idle connection of the case's own
    // does, as the kernel closes it when the process dies (opened now, so that an iterative server
    // still serves the flood first).
    const witness = before === undefined ? await t.connect({ label: "witness" }) : undefined;
    // With --exec: whether the server has taken the connection yet. An iterative server (or a slow
    // accept() on a loaded machine) leaves it in the listen queue, its requests buffered by the
    // kernel, with the program's descriptors as before: it deals with it only after accepting it.
    const accepted = before !== undefined && (openFds(t) ?? Infinity) > before;
    await c.close();
    await handled(
      t,
      before,
      witness && { client: witness, request: sampleRequest(p, t.rng, 100) },
      accepted,
    );
    await t.liveness(
      `a client sent ${sent} request bytes and closed without reading a reply (the server's send() to it fails: ECONNRESET, then EPIPE/SIGPIPE)`,
    );
  },
};

/** The launched program's open descriptors, over its live processes (`undefined` in address mode). */
function openFds(t: CaseContext): number | undefined {
  const snapshot = t.launched?.snapshot();
  return snapshot && liveProcesses(snapshot).reduce((n, p) => n + p.fds, 0);
}

/**
 * Waits until the server has dealt with the closed connection. With `--exec`, that is an event:
 * its descriptors are back to `before` once it has taken the connection (`accepted`: one still in
 * the listen queue is taken first), or it has no live process left; a thread that dies of
 * SIGPIPE may run only well after the reset on a loaded machine. In address mode, a connection of the case's own (the witness) stands in: the kernel
 * closes it when the process dies. The witness asks one request after the close: its reply comes
 * once the server ran again after the reset (an iterative server has dealt with the closed
 * connection by then; a threaded one's scheduling shows how late its threads run now), and the
 * witness then watches for the death for that long again, at least `WAITS.settleMs`.
 */
async function handled(
  t: CaseContext,
  before: number | undefined,
  witness?: { client: TcpClient; request: Uint8Array },
  accepted = true,
): Promise<void> {
  if (witness) {
    const { client } = witness;
    const asked = performance.now();
    const sent = await client.send(witness.request);
    const first = sent.end === "done"
      ? await client.readFor(t.timeoutMs, { max: 1 })
      : { end: sent.end };
    const replyMs = Math.round(performance.now() - asked);
    const watchMs = Math.max(WAITS.settleMs, replyMs);
    const last = first.end === "cap"
      ? await client.readFor(watchMs, { max: Number.MAX_SAFE_INTEGER })
      : first;
    t.transcript.record(client.label, "note", {
      detail: last.end === "timeout"
        ? `answered after ${replyMs} ms, then open for ${watchMs} ms more`
        : `ended (${last.end}): the server closed it or died`,
    });
    return await client.close();
  }
  if (before === undefined) return await t.sleep(WAITS.settleMs);
  const until = performance.now() + t.timeoutMs;
  while (performance.now() < until) {
    const now = openFds(t);
    if (now === undefined) return;
    if (now > before) accepted = true; // taken from the listen queue: now it is dealt with
    else if (accepted) return;
    await t.sleep(WAITS.deathPollMs);
  }
}

/** The `tcp.halfclose` group. */
export const halfcloseCases: readonly Case[] = [
  replyAfterShutdown,
  eofCloses,
  connectClose,
  closeBeforeReply,
  abort,
];
