/**
 * The client contract of a profile: what a client reads on stdin and prints on stdout.
 *
 * @module
 */
import type { AppliesTo, Profile, RequestReplyProfile } from "../case.ts";
import { type ClientContract, type ClientUnderTest, NO_CLIENT } from "./types.ts";

/**
 * The client contract of `profile`: its own `clientContract` when it defines one, else the one
 * its framing implies. A stream (echo) client reads the message and prints the reply; a delimiter
 * (line) client reads the message as a line, delimiter included, and prints the reply line with
 * its delimiter; a length-prefix (lp16, lp32) client reads the bare payload, sends it as a frame,
 * and prints the reply frame's payload without its header.
 *
 * @param profile A request/reply profile.
 * @returns How a payload becomes the client's stdin, and a reply its stdout.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { clientContract } from "./contract.ts";
 * const lp16 = {
 *   name: "lp16",
 *   description: "",
 *   transports: ["tcp"] as const,
 *   framing: { kind: "length-prefix", headerBytes: 2 } as const,
 *   encode: (p: Uint8Array) => Uint8Array.of(0, p.length, ...p),
 *   expectedReply: (r: Uint8Array) => r,
 * };
 * const contract = clientContract(lp16);
 * assertEquals(contract.stdin(Uint8Array.of(7)), Uint8Array.of(7));
 * assertEquals(contract.stdout(Uint8Array.of(0, 1, 7)), Uint8Array.of(7));
 * ```
 */
export function clientContract(profile: RequestReplyProfile): ClientContract {
  if (profile.clientContract) return profile.clientContract;
  const framing = profile.framing;
  if (framing.kind === "delimiter") {
    return { stdin: (payload) => profile.encode(payload), stdout: (reply) => reply };
  }
  if (framing.kind === "length-prefix") {
    return {
      stdin: (payload) => payload,
      stdout: (reply) =>
        reply.subarray(Math.min(framing.size ?? framing.headerBytes, reply.length)),
    };
  }
  return { stdin: (payload) => payload, stdout: (reply) => reply };
}

/**
 * Says why a client case (`appliesTo.client`) does not apply to this profile and client, or null
 * when it does (and for every other case); the checks both roles share (profiles, request/reply,
 * framing) are `notApplicable()`'s, so a caller asks both:
 * `clientNotApplicable(c.appliesTo, profile, client) ?? notApplicable(c, targets, profile)`.
 *
 * @param appliesTo The case's needs; its `transport` is the one the client speaks.
 * @param profile The run's profile.
 * @param client The client under test, if the run has one.
 * @returns The reason, or null.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { clientNotApplicable } from "./contract.ts";
 * const lp16 = {
 *   name: "lp16",
 *   description: "",
 *   transports: ["tcp"] as const,
 *   framing: { kind: "stream" } as const,
 * };
 * const client = { command: "./client {host} {port}" };
 * const why = clientNotApplicable({ client: true, transport: "udp" }, lp16, client);
 * assertEquals(why, 'Profile "lp16" does not use UDP');
 * assertEquals(clientNotApplicable({ client: true, transport: "tcp" }, lp16, client), null);
 * ```
 */
export function clientNotApplicable(
  appliesTo: AppliesTo,
  profile: Profile,
  client: ClientUnderTest | undefined,
): string | null {
  if (!appliesTo.client) return null;
  if (!client) return NO_CLIENT;
  const transport = appliesTo.transport;
  if (transport === "any") return null;
  if (!profile.transports.includes(transport)) {
    return `Profile "${profile.name}" does not use ${transport.toUpperCase()}`;
  }
  if (client.transport && client.transport !== transport) {
    const only = client.transport;
    return `Only ${only.toUpperCase()} cases were asked for (--transport ${only})`;
  }
  return null;
}
