/**
 * Helpers that work on a {@linkcode Profile}: whether it has requests and replies, and sample
 * payloads and requests built from a seeded RNG.
 *
 * @module
 */
import type { CaseContext, Profile, RequestReplyProfile } from "./case.ts";
import type { Rng } from "./rng.ts";

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
 * import type { CaseContext, Profile, RequestReplyProfile } from "./case.ts";
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

/**
 * One request of a request/reply profile carrying a sample payload of `size` bytes (see
 * {@linkcode samplePayload}): the one way cases build "a request this profile's server answers".
 *
 * @example
 * ```ts
 * import { makeRng } from "./rng.ts";
 * import { sampleRequest } from "./profile.ts";
 * const lp16 = { encode: (p: Uint8Array) => new Uint8Array([0, p.length, ...p]) };
 * sampleRequest(lp16, makeRng(1), 4).length; // 6
 * ```
 */
export function sampleRequest(
  profile: Pick<RequestReplyProfile, "encode" | "forbidden" | "maxPayload">,
  rng: Rng,
  size: number,
  binary = false,
): Uint8Array {
  return profile.encode(samplePayload(profile, rng, size, binary));
}
