/**
 * A client case: a requirement, the adversarial server that probes it, the message the client is
 * given, and what a correct client does (print the reply, or fail cleanly).
 *
 * @module
 */
import {
  type Adversary,
  type AppliesTo,
  type Case,
  type CaseContext,
  exchangeWithClient,
  requestReply,
  type RequestReplyProfile,
} from "../../harness/mod.ts";
import { type Expectation, judgeFailure, judgeReply } from "./_judge.ts";

/** A case that tests the client role, with its server for `deno task serve --case ID`. */
export interface ClientCase extends Case {
  /** The adversarial server the case runs the client against. */
  readonly server: Adversary;
}

/** What a client case is made of: what it expects of a correct client, and how it tests it. */
export interface ClientCaseSpec extends Expectation {
  id: string;
  title: string;
  requirement: string;
  /** Only for these framings (e.g. `length-prefix` for header cases). */
  framing?: AppliesTo["framing"];
  server: Adversary;
  /** The payload of the client's message, for this profile. */
  payload(t: CaseContext, profile: RequestReplyProfile): Uint8Array;
  /** A correct client prints the `reply` and exits 0, or sees a `failure` and exits non-zero. */
  expect: "reply" | "failure";
}

/**
 * Builds a client case: its run starts the server, runs the client against it once and judges.
 *
 * @example
 * ```ts
 * import { clientCase } from "./_client_case.ts";
 * const c = clientCase({
 *   id: "client.tcp.demo",
 *   title: "A plain reply",
 *   requirement: "A client prints the reply",
 *   transport: "tcp",
 *   server: {
 *     transport: "tcp",
 *     async tcp(p) {
 *       const r = await p.request();
 *       if (r) await p.send(p.reply(r));
 *     },
 *   },
 *   payload: () => new TextEncoder().encode("hi"),
 *   expect: "reply",
 *   hints: {},
 * });
 * console.log(c.appliesTo.client); // true
 * ```
 */
export function clientCase(spec: ClientCaseSpec): ClientCase {
  const { server, transport } = spec;
  return {
    id: spec.id,
    title: spec.title,
    requirement: spec.requirement,
    appliesTo: { client: true, transport, requestReply: true, framing: spec.framing },
    server,
    async run(t) {
      const profile = requestReply(t);
      const x = await exchangeWithClient(t, server, spec.payload(t, profile));
      if (spec.expect === "reply") judgeReply(t, x, spec);
      else judgeFailure(t, x, spec);
    },
  };
}
