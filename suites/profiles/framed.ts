/**
 * The framed request/reply profiles: `line` (a `\n` ends each request) and `lp16` / `lp32` (a
 * big-endian length header, then the payload). Each server echoes every request as a whole unit.
 *
 * @module
 */
import type { Framing, Profile } from "../../harness/mod.ts";

/** `\n`, the line delimiter. */
export const NL = 0x0a;

/** The longest `line` payload a server must take (1 MiB, not counting the `\n`). */
export const LINE_MAX_PAYLOAD = 1024 * 1024;

/** The largest `lp16` payload: what a 16-bit length can say. */
export const LP16_MAX_PAYLOAD = 0xffff;

/**
 * The largest `lp32` payload this suite sends and the reference accepts: 1 MiB. A 32-bit length
 * could say 4 GiB, but no server should buffer that for one client; a conforming `lp32` server
 * takes frames up to 1 MiB and may refuse (close on) longer ones.
 */
export const LP32_MAX_PAYLOAD = 1024 * 1024;

/** `line`: a request is bytes ending in `\n`; the reply is the same line. */
export const line: Profile = {
  name: "line",
  description: "Each line (bytes ending in \\n) comes back unchanged",
  transports: ["tcp"],
  framing: { kind: "delimiter", delimiter: new Uint8Array([NL]) },
  forbidden: [NL],
  maxPayload: LINE_MAX_PAYLOAD,
  encode: (payload) => {
    if (payload.includes(NL)) throw new RangeError("A line payload cannot contain \\n");
    const out = new Uint8Array(payload.length + 1);
    out.set(payload);
    out[payload.length] = NL;
    return out;
  },
  expectedReply: (request) => request,
};

function lengthPrefixed(headerBytes: 2 | 4, maxPayload: number): Profile {
  const bits = headerBytes * 8;
  return {
    name: `lp${bits}`,
    description:
      `Each frame (a big-endian u${bits} length, then that many bytes) comes back as the ` +
      "same frame",
    transports: ["tcp"],
    framing: { kind: "length-prefix", headerBytes },
    maxPayload,
    encode: (payload) => {
      if (payload.length > maxPayload) {
        throw new RangeError(`An lp${bits} payload holds at most ${maxPayload} bytes`);
      }
      const out = new Uint8Array(headerBytes + payload.length);
      const view = new DataView(out.buffer);
      if (headerBytes === 2) view.setUint16(0, payload.length, false);
      else view.setUint32(0, payload.length, false);
      out.set(payload, headerBytes);
      return out;
    },
    expectedReply: (request) => request,
  };
}

/** `lp16`: a big-endian u16 length, then up to 65535 payload bytes. */
export const lp16: Profile = lengthPrefixed(2, LP16_MAX_PAYLOAD);

/** `lp32`: a big-endian u32 length, then up to {@linkcode LP32_MAX_PAYLOAD} payload bytes. */
export const lp32: Profile = lengthPrefixed(4, LP32_MAX_PAYLOAD);

/** The framed profiles. */
export const framedProfiles: readonly Profile[] = [line, lp16, lp32];

/**
 * Where to cut one encoded `request` so that a write boundary falls inside its framing: after
 * each byte of a length header (or of a fixed header holding the length; the last cut falls
 * between header and payload), or before and
 * inside a trailing delimiter. Empty for stream framing.
 *
 * @example
 * ```ts
 * import { framingCuts } from "./framed.ts";
 * framingCuts({ kind: "length-prefix", headerBytes: 2 }, new Uint8Array(10)); // [1, 2]
 * framingCuts({ kind: "length-prefix", headerBytes: 2, at: 2, size: 4 }, new Uint8Array(10)); // [1, 2, 3, 4]
 * framingCuts({ kind: "delimiter", delimiter: new Uint8Array([13, 10]) }, new Uint8Array(8)); // [6, 7]
 * ```
 */
export function framingCuts(framing: Framing, request: Uint8Array): number[] {
  const cuts: number[] = [];
  if (framing.kind === "length-prefix") {
    for (let i = 1; i <= (framing.size ?? framing.headerBytes); i++) cuts.push(i);
  } else if (framing.kind === "delimiter") {
    for (let i = request.length - framing.delimiter.length; i < request.length; i++) cuts.push(i);
  }
  return cuts.filter((c) => c > 0 && c < request.length);
}
