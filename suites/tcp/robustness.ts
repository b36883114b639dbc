/**
 * `tcp.robustness`: hostile or broken clients cost the server one connection, never the service.
 * After each case a fresh client must still be served (the liveness probe).
 *
 * @module
 */
import { type Case, requestReply, sampleRequest, WAITS } from "../../harness/mod.ts";
import { flood, taggedRequest, within } from "./_crowd.ts";
import { transportHints } from "../wrong_transport.ts";

/** Random bytes do not take the server down. */
export const garbage: Case = {
  id: "tcp.robustness.garbage",
  title: "Random bytes do not take the server down",
  requirement:
    "A server treats what a client sends as untrusted: bytes that are no valid request may end that connection, never the server",
  appliesTo: { transport: "tcp" },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const junk = await t.connect({ label: "junk" });
    await junk.send(t.rng.bytes(4096));
    // Whatever comes back (a reply, an error, a close or a reset) is allowed.
    await junk.readFor(WAITS.garbageReplyMs, { max: 4096 });
    await junk.close();
    await t.liveness("a client sent 4096 random bytes");
    const gone = await t.connect({ label: "junk-close" });
    await gone.send(t.rng.bytes(4096));
    await gone.abort();
    await t.sleep(WAITS.settleMs);
    await t.liveness("a client sent 4096 random bytes and closed at once");
  },
};

/** A length prefix of the largest value with no body does not stall or crash the server. */
export const hugeLength: Case = {
  id: "tcp.robustness.huge-length",
  title: "A frame that claims the largest length and never comes does not stall the server",
  requirement:
    "A length prefix is untrusted input: a server must not allocate it up front or wait for the body while other clients go unserved",
  appliesTo: { transport: "tcp", requestReply: true, framing: ["length-prefix"] },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const framing = t.profile.framing;
    if (framing.kind !== "length-prefix") return t.skip("Needs a length-prefix profile");
    // A fixed header holding the length is all 0xFF too: its length field says the most.
    const header = new Uint8Array(framing.size ?? framing.headerBytes).fill(0xff);
    const max = framing.headerBytes === 2 ? "0xFFFF" : "0xFFFFFFFF";
    const huge = await t.connect({ label: "huge" });
    await huge.send(header);
    // The server may close or reset this connection; it must keep serving everyone else.
    await t.liveness(`a client sent the length ${max} with no body and stayed connected`);
    await huge.close();
    await t.liveness(`a client sent the length ${max} with no body and closed`);
  },
};

/**
 * Cycles `tcp.robustness.churn` makes past the descriptor limit a leak of one per connection hits:
 * enough to cross it even when earlier cases left nothing leaked.
 */
const CHURN_MARGIN = 64;
/** The descriptor limit most programs run under (`ulimit -n`) when sockspec did not set one. */
const COMMON_FILE_LIMIT = 1024;

/**
 * How many connect/close cycles churn makes: just over the file limit a descriptor leak would hit.
 * With `--exec` that is the limit sockspec set itself (`--limit files=N`); otherwise the common
 * default of 1,024.
 *
 * @example
 * ```ts
 * import { churnCycles } from "./robustness.ts";
 * churnCycles(undefined); // 1088
 * churnCycles(64); // 128
 * ```
 */
export function churnCycles(fileLimit: number | undefined): number {
  const limit = fileLimit !== undefined && Number.isFinite(fileLimit)
    ? fileLimit
    : COMMON_FILE_LIMIT;
  return limit + CHURN_MARGIN;
}

/** More short connections than a descriptor leak survives do not exhaust the server. */
export const churn: Case = {
  id: "tcp.robustness.churn",
  title: "Many short connections in a row do not exhaust the server",
  requirement:
    "A server closes the descriptor of every finished connection: after N connect/close cycles (param churn; default 64 past the file limit a leak of one descriptor per connection hits: the --exec limit, else the common 1024) it still serves",
  appliesTo: { transport: "tcp", requestReply: true },
  hooks: transportHints,
  exclusive: true,
  async run(t) {
    const p = requestReply(t);
    const cycles = t.param("churn", churnCycles(t.launched?.limits.files));
    await t.beforeLoad(`${cycles} connect/close cycles`);
    // Each cycle is bounded (a connect within the time-out, a reply within its bound), and the
    // first cycle that fails ends the case: a failing target costs one wait, not thousands.
    for (let i = 1; i <= cycles; i++) {
      await within(`Cycle ${i} of ${cycles} failed after ${i - 1} completed`, async () => {
        // One small write per connection: Nagle's algorithm cannot delay it, so no TCP_NODELAY.
        const c = await t.connect({ label: `k${i}`, noDelay: false });
        // Odd cycles close at once (the server sees EOF first); even ones are served first.
        if (i % 2 === 0) {
          const request = taggedRequest(t, `k${i}`, 16);
          await c.send(request);
          await c.expect(p.expectedReply(request));
        }
        await c.close();
      });
    }
    await t.liveness(`${cycles} connect/close cycles`);
  },
};

/** A client that disconnects halfway through a request or its reply costs only itself. */
export const midMessage: Case = {
  id: "tcp.robustness.mid-message",
  title: "A client that disconnects halfway through a message does not take the server down",
  requirement:
    "recv() returning 0 mid-request, and send() to a reset connection (EPIPE/ECONNRESET, SIGPIPE unless ignored), end that connection only",
  appliesTo: { transport: "tcp", requestReply: true },
  alone: "hazard",
  hooks: transportHints,
  async run(t) {
    const p = requestReply(t);
    const request = sampleRequest(p, t.rng, 64);
    const half = await t.connect({ label: "half" });
    await half.send(request.subarray(0, Math.floor(request.length / 2)));
    await half.close();
    const aborter = await t.connect({ label: "aborter" });
    const f = await flood(t, aborter, { limit: 64 * 1024 * 1024 });
    await aborter.readFor(WAITS.extraMs, { max: 1 });
    await aborter.abort();
    // Give the server time to meet the reset before the probe.
    await t.sleep(WAITS.settleMs);
    await t.liveness(
      `one client closed halfway through a ${request.length}-byte request and another reset its connection after sending ${f.sent} request bytes and leaving their replies unread`,
    );
  },
};

/** The `tcp.robustness` group. */
export const robustnessCases: readonly Case[] = [garbage, hugeLength, churn, midMessage];
