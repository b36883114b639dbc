/**
 * The other client a `beside-*` or `after-garbage` transformation runs next to a scenario: one
 * that connects and sends nothing, one that sends requests and never reads, or one that sends
 * bytes that are no valid message first.
 *
 * @module
 */
import { type CaseContext, WAITS } from "../../harness/mod.ts";
import type { ProtocolSpec, Scenario } from "./spec.ts";
import { fill } from "./template.ts";
import type { Vars } from "./play.ts";

/** Largest amount a never-reading client sends before it stops (2 MiB: more than a fresh loopback connection buffers). */
export const UNREAD_BYTES = 2 * 1024 * 1024;

/**
 * Sets up the other client; the case closes it when it ends.
 *
 * @example
 * ```ts ignore
 * await beside(t, spec, scenario, "idle", vars);
 * ```
 */
export async function beside(
  t: CaseContext,
  spec: ProtocolSpec,
  scenario: Scenario,
  kind: "idle" | "unread" | "garbage",
  vars: Vars,
): Promise<void> {
  if (kind === "idle") {
    await t.connect({ label: "idle" });
    return;
  }
  if (kind === "garbage") {
    const conn = await t.connect({ label: "garbage" });
    const junk = t.rng.bytes(256);
    const tail = spec.framing.kind === "delimiter" ? spec.framing.delimiter : new Uint8Array(0);
    const bytes = new Uint8Array(junk.length + tail.length);
    bytes.set(junk);
    bytes.set(tail, junk.length);
    await conn.send(bytes);
    await conn.readFor(WAITS.garbageReplyMs);
    await conn.close();
    return;
  }
  // A client that sends the scenario's first request over and over and never reads the replies:
  // it stops when a send stays blocked (the server stopped reading it) or at UNREAD_BYTES.
  const first = scenario.steps.find((s) => s.op === "send");
  if (!first || first.op !== "send") return;
  let request: Uint8Array;
  try {
    request = fill(first.payload, vars);
  } catch {
    return; // its first request needs a captured value: nothing to repeat
  }
  const batch = new Uint8Array(Math.ceil(65536 / request.length) * request.length);
  for (let at = 0; at < batch.length; at += request.length) batch.set(request, at);
  const conn = await t.connect({ label: "unread" });
  const cap = t.param("unread-bytes", UNREAD_BYTES);
  for (let sent = 0; sent < cap;) {
    const r = await conn.send(batch, { timeoutMs: WAITS.blockedMs });
    sent += r.sent;
    if (r.end !== "done") break;
  }
}
