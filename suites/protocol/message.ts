/**
 * Where a message ends in bytes read from a TCP connection, by the protocol's framing: how an
 * `expect` step knows how much to read, and how the reference's replies are learned.
 *
 * @module
 */
import { indexOfNeedle } from "@std/bytes";
import type { WireFraming } from "./spec.ts";

/**
 * The length of the first whole message in `buffered`, or -1 when more bytes are needed. Stream
 * framing has no boundaries: `hint` (the length wanted) decides, or whatever came.
 *
 * @example
 * ```ts
 * import { messageLength } from "./message.ts";
 * messageLength({ kind: "length", bytes: 2 }, new Uint8Array([0, 2, 7, 7, 9])); // 4
 * messageLength({ kind: "delimiter", delimiter: new Uint8Array([10]) }, new Uint8Array([65])); // -1
 * ```
 */
export function messageLength(framing: WireFraming, buffered: Uint8Array, hint?: number): number {
  switch (framing.kind) {
    case "delimiter": {
      const i = indexOfNeedle(buffered, framing.delimiter);
      return i < 0 ? -1 : i + framing.delimiter.length;
    }
    case "length": {
      if (buffered.length < framing.bytes) return -1;
      const total = framing.bytes + readLength(buffered, 0, framing.bytes);
      return buffered.length >= total ? total : -1;
    }
    case "header": {
      if (buffered.length < framing.size) return -1;
      const total = framing.size + readLength(buffered, framing.at, framing.bytes);
      return buffered.length >= total ? total : -1;
    }
    case "stream":
      if (hint !== undefined) return buffered.length >= hint ? hint : -1;
      return buffered.length > 0 ? buffered.length : -1;
  }
}

/** A big-endian unsigned length of `n` bytes at `at`. */
function readLength(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[at + i];
  return v;
}
