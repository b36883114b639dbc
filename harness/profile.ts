import type { TcpHandler } from "../fixtures/tcp_server.ts";
import type { UdpHandler } from "../fixtures/udp_server.ts";
import type { CaseContext } from "./case.ts";
import type { Rng } from "./rng.ts";
import type { Transport } from "./target.ts";

/** Where a profile's framing lives, so splitters can cut inside it. */
export type Framing =
  /** No framing: every byte sent comes back (echo). */
  | { kind: "stream" }
  /** A request ends with `delimiter` (line: `\n`). */
  | { kind: "delimiter"; delimiter: Uint8Array }
  /** A big-endian length of `headerBytes` bytes, then that many payload bytes. */
  | { kind: "length-prefix"; headerBytes: 2 | 4 }
  /** The profile is not request/reply (discard, chargen, daytime, time). */
  | { kind: "none" };

/**
 * What a target speaks: its transports, how to build requests, and the reply a correct server
 * sends. Request/reply profiles define `encode` and `expectedReply`; service profiles (discard,
 * daytime, …) leave them out and their own cases check them.
 *
 * A user's profile is a module whose default export (or `profile` export) is one of these; see
 * `fixtures/example_profile.ts`.
 */
export interface Profile {
  /** Short name used with `--profile`, e.g. `echo`. */
  name: string;
  /** One line: what the profile is. */
  description: string;
  /** Transports a server of this profile serves. */
  transports: readonly Transport[];
  framing: Framing;
  /** Wraps a payload as one request (echo: as is; line: payload + `\n`; lp16: length + payload). */
  encode?(payload: Uint8Array): Uint8Array;
  /** The reply a correct server sends to one `request`. */
  expectedReply?(request: Uint8Array): Uint8Array;
  /** Largest payload one request may carry. */
  maxPayload?: number;
  /** Bytes a payload must not contain (line: `0x0a`). */
  forbidden?: readonly number[];
  /**
   * Checks that the server still serves a fresh client on `transport` (the liveness probe after a
   * destructive case). Throws a CaseFailure when it does not. Default: one sample request and
   * its reply, for request/reply profiles.
   */
  probe?(t: CaseContext, transport: Transport): Promise<void>;
  /** The reference server, for `serve`, the demo and the self-check. */
  reference?: { tcp?: TcpHandler; udp?: UdpHandler };
}

/** A request/reply profile: one with `encode` and `expectedReply`. */
export type RequestReplyProfile = Profile & Required<Pick<Profile, "encode" | "expectedReply">>;

/** True when the profile defines requests and their replies. */
export function isRequestReply(profile: Profile): profile is RequestReplyProfile {
  return typeof profile.encode === "function" && typeof profile.expectedReply === "function";
}

/**
 * The profile of a case that declared `appliesTo.requestReply` (the runner skips it for other
 * profiles), narrowed; skips the case should it run under another profile anyway.
 *
 * @example
 * ```ts
 * import type { CaseContext } from "./case.ts";
 * import { requestReply } from "./profile.ts";
 * async function run(t: CaseContext) {
 *   const p = requestReply(t);
 *   const request = p.encode(new Uint8Array([1]));
 * }
 * ```
 */
export function requestReply(t: CaseContext): RequestReplyProfile {
  const p = t.profile;
  return isRequestReply(p) ? p : t.skip(`Profile "${p.name}" has no request/reply to check`);
}

const PRINTABLE = new TextEncoder().encode(
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_",
);

/**
 * Builds a payload of `size` random bytes the profile allows: printable by default, any byte but
 * the forbidden ones with `binary`.
 *
 * @example
 * ```ts
 * import { makeRng } from "./rng.ts";
 * import { samplePayload } from "./profile.ts";
 * samplePayload({ forbidden: [10] }, makeRng(1), 32, true); // 32 bytes, no 0x0a
 * ```
 */
export function samplePayload(
  profile: Pick<Profile, "forbidden" | "maxPayload">,
  rng: Rng,
  size: number,
  binary = false,
): Uint8Array {
  const n = Math.min(size, profile.maxPayload ?? size);
  const forbidden = new Set(profile.forbidden ?? []);
  const alphabet = binary
    ? Uint8Array.from({ length: 256 }, (_, i) => i).filter((b) => !forbidden.has(b))
    : PRINTABLE.filter((b) => !forbidden.has(b));
  return rng.pick(n, alphabet);
}
