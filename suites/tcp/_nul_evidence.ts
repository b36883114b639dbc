/**
 * What a wrong reply to a request with 0x00 bytes shows, and nothing more: a reply that is right
 * up to a 0x00 and stops there (a C string), or one that lacks exactly the pieces of the request
 * that began with a 0x00 (strlen() on what one recv() returned). Each gives the clause the
 * `tcp.framing` cases add to their message; without that evidence, `undefined`.
 *
 * @module
 */
import { endsWith, equals, startsWith } from "@std/bytes";
import { firstDifference } from "../../harness/mod.ts";

/** The most bytes a reply may carry after its stop and still be "no further": a line's end. */
const FRAME_END = 2;

/**
 * When `got` is `reply` right up to its first 0x00 byte from `from` on (past a length header) and
 * no further (at most the reply's own last bytes, such as a line's newline, follow), the clause
 * that says so; else `undefined`.
 *
 * @example
 * ```ts
 * import { stoppedAtNul } from "./_nul_evidence.ts";
 * const reply = new Uint8Array([0x41, 0x00, 0x42, 0x0a]);
 * console.log(stoppedAtNul(reply, new Uint8Array([0x41, 0x0a]))?.includes("offset 1")); // true
 * console.log(stoppedAtNul(reply, new Uint8Array([0x41, 0x43]))); // undefined
 * ```
 */
export function stoppedAtNul(
  reply: Uint8Array,
  got: Uint8Array,
  from = 0,
): string | undefined {
  const diff = firstDifference(got, reply);
  const at = diff < 0 ? got.length : diff;
  if (at >= reply.length || reply.indexOf(0x00, from) !== at) return undefined;
  const rest = got.subarray(at);
  if (rest.length > FRAME_END || (rest.length > 0 && !endsWith(reply, rest))) return undefined;
  return `it is right up to a 0x00 byte (offset ${at}) and no further: was the payload handled ` +
    'as a NUL-terminated C string (strlen, strcpy, printf "%s")?';
}

/**
 * When `got` is `pieces` (the request as written, one piece per write) with some pieces left
 * out, each run of left-out pieces beginning with a 0x00 byte, the clause that says so; else
 * `undefined`. Pieces a server read together count as one run.
 *
 * @example
 * ```ts
 * import { droppedNulPieces } from "./_nul_evidence.ts";
 * const pieces = [[0x00, 0x41], [0x42], [0x00, 0x43], [0x44]].map((p) => new Uint8Array(p));
 * console.log(droppedNulPieces(pieces, new Uint8Array([0x42, 0x44]))?.includes("0, 3")); // true
 * ```
 */
export function droppedNulPieces(
  pieces: readonly Uint8Array[],
  got: Uint8Array,
): string | undefined {
  let at = 0, offset = 0, inRun = false, kept = 0, nulRuns = true;
  const dropped: number[] = [];
  for (const piece of pieces) {
    if (piece.length > 0 && startsWith(got.subarray(at), piece)) {
      at += piece.length;
      kept++;
      inRun = false;
    } else {
      if (!inRun && piece[0] !== 0x00) nulRuns = false;
      inRun = true;
      dropped.push(offset);
    }
    offset += piece.length;
  }
  if (at !== got.length || dropped.length === 0 || kept === 0 || !nulRuns) return undefined;
  return `the reply is the request without ${dropped.length} of the ${pieces.length} writes ` +
    `that carried it (at offsets ${dropped.join(", ")}), each run of them beginning with a 0x00 ` +
    "byte, and every other write came back whole: the server drops what one recv() returned " +
    "when it starts with 0x00 (strlen() of that chunk is 0)";
}

/** How many bytes of what came must match the request elsewhere to say where they are from. */
const WINDOW = 32;

/**
 * When the reply differs at `at`, where the request has a 0x00, and what came from there on is
 * the request from a later offset, the clause that says a piece beginning with 0x00 was skipped;
 * else `undefined`.
 *
 * @example
 * ```ts
 * import { skippedNulPiece } from "./_nul_evidence.ts";
 * const reply = new Uint8Array(100).map((_, i) => (i === 10 ? 0 : 1 + (i % 200)));
 * const got = new Uint8Array([...reply.subarray(0, 10), ...reply.subarray(40)]);
 * console.log(skippedNulPiece(reply, got, 10)?.includes("30 bytes")); // true
 * ```
 */
export function skippedNulPiece(
  reply: Uint8Array,
  got: Uint8Array,
  at: number,
): string | undefined {
  if (reply[at] !== 0x00) return undefined;
  const window = got.subarray(at, at + WINDOW);
  if (window.length < Math.min(WINDOW, reply.length - at - 1) || window.length === 0) {
    return undefined;
  }
  for (let k = at + 1; k + window.length <= reply.length; k++) {
    if (equals(reply.subarray(k, k + window.length), window)) {
      return `the bytes that came from there on are the request's from byte ${k}: the ${
        k - at
      } bytes at offset ${at}, which begin with 0x00, were skipped (a server that drops what ` +
        "one recv() returned when it starts with 0x00: strlen() of that chunk is 0)";
    }
  }
  return undefined;
}
