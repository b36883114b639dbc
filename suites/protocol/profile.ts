/**
 * A protocol file as a profile: what `--profile ./kv.toml` gives a run. It carries the cases the
 * file generates, and its liveness probe plays the scenario the file names as `probe`.
 *
 * @module
 */
import {
  type Case,
  type ClientContract,
  type Framing,
  makeRng,
  type Profile,
} from "../../harness/mod.ts";
import { type Learn, learnOf, protocolCases } from "./cases.ts";
import { protocolClientCases } from "./client_cases.ts";
import { playCopy, varsFor } from "./play.ts";
import { type SampleExchange, sampleExchange } from "./sample.ts";
import type { ProtocolSpec, WireFraming } from "./spec.ts";

/** A profile made from a protocol file: its parsed spec and the cases it generates. */
export interface ProtocolProfile extends Profile {
  protocol: ProtocolSpec;
  /** The generated cases, run beside the generic ones that apply. */
  cases: readonly Case[];
  /** The generated client cases (`--client`): sockspec plays the server's side. */
  clientCases: readonly Case[];
  /** The oracle: how the cases learn the replies the file leaves out (none: nothing launched). */
  learn?: Learn;
}

/**
 * The profile of a parsed protocol file.
 *
 * @example
 * ```ts
 * import { parseProtocol } from "./parse.ts";
 * import { protocolProfile } from "./profile.ts";
 * const spec = parseProtocol(
 *   'name = "p"\n[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [{ open = "a" }]\n',
 *   "p.toml",
 * );
 * protocolProfile(spec).cases.length; // 4
 * ```
 */
export function protocolProfile(spec: ProtocolSpec, learn?: Learn): ProtocolProfile {
  const probe = spec.scenarios.find((s) => s.name === spec.probe)!;
  // The generic suites speak the protocol through the probe's first exchange.
  const sample = sampleExchange(spec);
  return {
    name: spec.name,
    description: spec.description,
    transports: spec.transports,
    framing: harnessFraming(spec.framing),
    maxPayload: spec.maxMessage,
    forbidden: spec.forbidden,
    ...sample,
    // The generic client cases feed a client one request on stdin and want the reply printed.
    ...(sample && isDefaultContract(spec) ? { clientContract: sampleContract(sample) } : {}),
    ruledOut: ruledOut(spec, sample),
    protocol: spec,
    cases: protocolCases(spec, learn),
    clientCases: protocolClientCases(spec),
    learn,
    async probe(t) {
      const vars = [varsFor(spec, makeRng(t.seed ^ 0x9e3779b9), 0)];
      const oracle = learnOf(t, learn);
      const learned = oracle ? await oracle(t, probe, vars) : undefined;
      await playCopy(t, spec, { steps: probe.steps }, {
        label: (on) => `probe ${on}`,
        vars: vars[0],
        learned: learned?.[0],
      });
    },
  };
}

/**
 * The cases a profile carries (a protocol file's), or none: its client cases when `client`.
 *
 * @example
 * ```ts
 * import { profileCases } from "./profile.ts";
 * profileCases({ name: "echo", description: "", transports: ["tcp"], framing: { kind: "stream" } }); // []
 * ```
 */
export function profileCases(profile: Profile, client = false): readonly Case[] {
  const p = profile as Partial<ProtocolProfile>;
  return (client ? p.clientCases : p.cases) ?? [];
}

/** The generic cases the file's own rules say a correct server need not pass. */
function ruledOut(spec: ProtocolSpec, sample?: SampleExchange): Record<string, string> {
  const out: Record<string, string> = {};
  if (!spec.pipelining) {
    const why = `${spec.path} does not allow pipelining (pipelining = true)`;
    out["tcp.framing.pipelined"] = why;
    out["tcp.framing.coalesced"] = why;
  }
  if (!spec.halfClose) {
    out["tcp.halfclose.reply-after-shutdown"] =
      `${spec.path} does not allow a half-close after the last request (half_close = true)`;
  }
  if (!isDefaultContract(spec)) {
    out["client"] =
      `The [client] contract of ${spec.path} (args, stdin, stdout, ends) is not the generic client cases' (a request on stdin, its reply on stdout, then exit)`;
  }
  if (sample && [0x00, 0xff].some((b) => sample.forbidden.includes(b))) {
    out["tcp.framing.binary"] =
      `The probe's placeholder in ${spec.path} holds no NUL or 0xFF bytes (its byte class)`;
  }
  return out;
}

function isDefaultContract(spec: ProtocolSpec): boolean {
  const c = spec.client;
  return c.args === "" && c.stdin === "requests" && c.stdout === "replies" &&
    c.ends === "after-replies";
}

/** The default contract: a request as sent on stdin, its reply as it came on stdout. */
function sampleContract(sample: SampleExchange): ClientContract {
  return { stdin: (payload) => sample.encode(payload), stdout: (reply) => reply };
}

function harnessFraming(f: WireFraming): Framing {
  switch (f.kind) {
    case "delimiter":
      return { kind: "delimiter", delimiter: f.delimiter };
    case "length":
      return { kind: "length-prefix", headerBytes: f.bytes };
    case "header":
      // The generic cases cut inside the header and read its length where it is.
      return f.bytes === 1
        ? { kind: "none" }
        : { kind: "length-prefix", headerBytes: f.bytes, at: f.at, size: f.size };
    case "stream":
      return { kind: "stream" };
  }
}
