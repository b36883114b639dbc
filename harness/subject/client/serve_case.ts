/**
 * `deno task serve --case ID`: runs a client case's adversarial server by hand, so a student can
 * point a client at it and watch, event by event, what the server does and what it received.
 * Without an expected message the server reads each request by the profile's framing (a stream
 * request ends at EOF or a 300 ms pause).
 *
 * @module
 */
import type { Served } from "../../../fixtures/references/serve.ts";
import { eventLine } from "../../../reports/_transcript.ts";
import { CLIENT_CASES, type ClientCase } from "../../../suites/client/mod.ts";
import {
  clientNotApplicable,
  type EventDetails,
  type EventKind,
  isRequestReply,
  makeTarget,
  notApplicable,
  type Profile,
  type RunningAdversary,
  startAdversary,
  Transcript,
  UsageError,
  WAITS,
} from "../../mod.ts";
import { loadProfile } from "../profiles.ts";

/** A transcript that also prints each event as it is recorded. */
class PrintingTranscript extends Transcript {
  #print: (line: string) => void;
  constructor(print: (line: string) => void) {
    super();
    this.#print = print;
  }
  override record(conn: string, kind: EventKind, details?: EventDetails): void {
    const before = this.events.length;
    super.record(conn, kind, details);
    if (this.events.length > before) this.#print(eventLine(this.events[this.events.length - 1]));
  }
}

/**
 * The client case `id`, checked against `profile`.
 *
 * @throws {UsageError} for an unknown id, or a case that does not apply to the profile.
 * @example
 * ```ts
 * import { clientCaseById } from "./serve_case.ts";
 * import { PROFILES } from "../profiles.ts";
 * clientCaseById("client.udp.lost-request", PROFILES.echo).server.transport; // "udp"
 * ```
 */
export function clientCaseById(id: string, profile: Profile): ClientCase {
  const c = CLIENT_CASES.find((c) => c.id === id);
  if (!c) {
    throw new UsageError(
      `Unknown client case "${id}": expected one of ${CLIENT_CASES.map((c) => c.id).join(", ")}`,
    );
  }
  const why = clientNotApplicable(c.appliesTo, profile, { command: "{port}" }) ??
    notApplicable(c, {}, profile);
  if (why) throw new UsageError(`Case ${id} does not apply to profile "${profile.name}": ${why}`);
  return c;
}

/**
 * Starts the adversarial server of client case `id` for `profile` on `hostname` (and `port`, or a
 * fresh one), printing every event. Close it to stop.
 *
 * @example
 * ```ts
 * import { serveClientCase } from "./serve_case.ts";
 * import { PROFILES } from "../profiles.ts";
 * const lines: string[] = [];
 * await using server = serveClientCase("client.tcp.slow-reply", PROFILES.echo, {
 *   print: (l) => lines.push(l),
 * });
 * console.log(server.port > 0); // true
 * ```
 */
export function serveClientCase(
  id: string,
  profile: Profile,
  options: { hostname?: string; port?: number; print: (line: string) => void },
): RunningAdversary {
  const c = clientCaseById(id, profile);
  if (!isRequestReply(profile)) throw new UsageError(`Profile "${profile.name}" has no reply`);
  options.print(`case ${c.id} (profile ${profile.name}): ${c.title}`);
  options.print(`  requirement: ${c.requirement}`);
  return startAdversary(c.server, {
    profile,
    transcript: new PrintingTranscript(options.print),
    timeoutMs: WAITS.serveCaseMs,
    hostname: options.hostname,
    port: options.port,
  });
}

/**
 * `serve --case ID`: loads the profile, starts the case's server and prints where it is, as a
 * {@linkcode Served} for `serve` to keep until Ctrl-C.
 *
 * @throws {UsageError} for an unknown case or profile, or a case the profile has no use for.
 */
export async function serveCase(
  id: string,
  profileSpec: string,
  options: { hostname: string; port?: number },
): Promise<Served> {
  const profile = await loadProfile(profileSpec);
  const server = serveClientCase(id, profile, { ...options, print: (l) => console.log(l) });
  const target = makeTarget(server.transport, server.host, server.port);
  const c = clientCaseById(id, profile);
  console.log(
    c.server.tcp || c.server.udp
      ? `  point your client at ${server.host} ${server.port} (${target.url})`
      : `  nothing listens on ${target.url}: point your client there`,
  );
  return {
    targets: { [server.transport]: target },
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}
