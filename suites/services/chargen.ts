/**
 * `services.chargen`: RFC 864 character generator. "The data may be anything"; the RFC recommends
 * a pattern: lines of 72 printable ASCII characters, each starting one character further along the
 * 95 printable characters (space to tilde, then round again), ended by CR LF. Text that is not
 * printable, or a UDP answer over 512 characters, breaks the RFC (a fail); printable lines that
 * leave the recommended pattern (xinetd's ring has no space) are allowed but named (a warn).
 *
 * @module
 */
import { byteHex, type Case, describeBytes, printable, samplePayload } from "../../harness/mod.ts";
import { askUdp } from "./_ask.ts";
import { transportHints } from "../wrong_transport.ts";

const FIRST = 0x20;
const RING = 95;
const WIDTH = 72;

/** Where a chargen text leaves the pattern, or null when it follows it. */
export interface PatternBreak {
  /** Offset of the first wrong byte. */
  at: number;
  /** Its line, counting from 1. */
  line: number;
  /** The pattern's text from the start of the broken line, and what came instead. */
  expected: string;
  actual: string;
}

/** The pattern as an endless text, starting at line `line` with `eol` after each 72 characters. */
function patternAt(line: number, length: number, eol: Uint8Array): Uint8Array {
  const out = new Uint8Array(length);
  const lineLength = WIDTH + eol.length;
  for (let i = 0; i < length; i++) {
    const n = line + Math.floor(i / lineLength);
    const col = i % lineLength;
    out[i] = col < WIDTH ? FIRST + (n + col) % RING : eol[col - WIDTH];
  }
  return out;
}

const CRLF = new Uint8Array([0x0d, 0x0a]);
const LF = new Uint8Array([0x0a]);

/**
 * Checks a TCP chargen stream from its first byte: the first line may start at any printable
 * character, and every line after it starts one character later. Lines end in CR LF (LF alone is
 * accepted).
 *
 * @example
 * ```ts
 * import { checkChargenStream } from "./chargen.ts";
 * checkChargenStream(new TextEncoder().encode("!\"#$")); // null: a prefix of line 1
 * ```
 */
export function checkChargenStream(bytes: Uint8Array): PatternBreak | null {
  if (bytes.length === 0) return null;
  const first = bytes[0] - FIRST;
  const start = first >= 0 && first < RING ? first : 0;
  const eol = bytes.length > WIDTH && bytes[WIDTH] === 0x0a ? LF : CRLF;
  const want = patternAt(start, bytes.length, eol);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== want[i]) {
      const lineStart = i - i % (WIDTH + eol.length);
      const end = lineStart + WIDTH + eol.length;
      return {
        at: i,
        line: lineStart / (WIDTH + eol.length) + 1,
        expected: printable(want.subarray(lineStart, end)),
        actual: printable(bytes.subarray(lineStart, Math.min(end, bytes.length))),
      };
    }
  }
  return null;
}

/**
 * True when `bytes` is a run of the pattern starting anywhere in it (a UDP answer need not start
 * at a line's start).
 *
 * @example
 * ```ts
 * import { isChargenRun } from "./chargen.ts";
 * isChargenRun(new TextEncoder().encode("xyz{|}~ !\"#")); // true: the ring wraps after "~"
 * ```
 */
export function isChargenRun(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  for (const eol of [CRLF, LF]) {
    const lineLength = WIDTH + eol.length;
    const turn = patternAt(0, RING * lineLength + bytes.length, eol);
    outer: for (let s = 0; s < RING * lineLength; s++) {
      for (let i = 0; i < bytes.length; i++) if (turn[s + i] !== bytes[i]) continue outer;
      return true;
    }
  }
  return false;
}

/** The offset of the first byte that is not printable ASCII text (0x20-0x7e, CR, LF), or -1. */
export function firstNonText(bytes: Uint8Array): number {
  return bytes.findIndex((b) => !(b >= 0x20 && b < 0x7f) && b !== 0x0d && b !== 0x0a);
}

const quote = (b: number) => (b === 0x27 ? `"'"` : `'${String.fromCharCode(b)}'`);

/**
 * How printable chargen text differs from the RFC's recommended pattern, in words, or an empty
 * list when it follows it: no line breaks, lines of another width, another ring of characters,
 * lines that do not rotate. `fromLineStart`: the text starts a line (a TCP stream does; a UDP
 * answer may start anywhere).
 *
 * @example
 * ```ts
 * import { patternDifferences } from "./chargen.ts";
 * // xinetd's ring: the 94 characters from "!" to "~", without the space
 * const ring = Array.from({ length: 94 }, (_, i) => 0x21 + i);
 * const line = (n: number) => [...Array.from({ length: 72 }, (_, j) => ring[(n + j) % 94]), 13, 10];
 * patternDifferences(new Uint8Array([...line(0), ...line(1), ...line(2)]), true);
 * // ["a ring of 94 characters from '!' to '~' (the pattern's has 95, from ' ' to '~')"]
 * ```
 */
export function patternDifferences(bytes: Uint8Array, fromLineStart: boolean): string[] {
  if (fromLineStart ? checkChargenStream(bytes) === null : isChargenRun(bytes)) return [];
  const lines: Uint8Array[] = [];
  let start = fromLineStart ? 0 : -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (start >= 0) {
      const end = i > start && bytes[i - 1] === 0x0d ? i - 1 : i;
      lines.push(bytes.subarray(start, end));
    }
    start = i + 1;
  }
  if (lines.length === 0) {
    return [
      `no line break in ${bytes.length} characters (the pattern ends each line after 72)`,
    ];
  }
  const out: string[] = [];
  const widths = [...new Set(lines.map((l) => l.length))].sort((a, b) => a - b);
  if (widths.length > 1 || widths[0] !== WIDTH) {
    const w = widths.length === 1 ? `${widths[0]}` : `${widths[0]} to ${widths.at(-1)}`;
    out.push(`lines of ${w} characters (the pattern's have ${WIDTH})`);
  }
  const used = new Set<number>();
  for (const l of lines) for (const b of l) used.add(b);
  const ring = [...used].sort((a, b) => a - b);
  if (ring.length > 0 && (ring.length !== RING || ring[0] !== FIRST)) {
    out.push(
      `a ring of ${ring.length} characters from ${quote(ring[0])} to ${
        quote(ring.at(-1)!)
      } (the pattern's has ${RING}, from ' ' to '~')`,
    );
  }
  if (ring.length > 1) {
    const next = (b: number) => ring[(ring.indexOf(b) + 1) % ring.length];
    const inOrder = lines.every((l) => l.every((b, j) => j === 0 || b === next(l[j - 1])));
    if (!inOrder) out.push("the characters within a line do not follow one another in order");
    const full = lines.filter((l) => l.length > 0);
    const stuck = full.findIndex((l, k) => k > 0 && l[0] !== next(full[k - 1][0]));
    if (stuck > 0) {
      out.push(
        `line ${stuck + 1} starts with ${quote(full[stuck][0])} after a line starting with ${
          quote(full[stuck - 1][0])
        } (each line starts one character further along)`,
      );
    }
  }
  if (out.length === 0 && fromLineStart) {
    const broken = checkChargenStream(bytes)!;
    out.push(
      `it leaves the pattern at byte ${broken.at} (line ${broken.line}): expected "${broken.expected}", got "${broken.actual}"`,
    );
  }
  return out.length > 0 ? out : ["it is not a run of the pattern"];
}

/** Why the pattern is only a warn: the RFC's own words. */
const ANYTHING =
  'RFC 864 says "the data may be anything"; the 72-character ring is only the recommended pattern';

/** How much of the TCP stream the case reads and checks: over two full turns of the pattern. */
export const CHARGEN_READ = 16 * 1024;

/** TCP: the stream follows the pattern, keeps coming, and the server survives the client closing. */
export const chargenTcp: Case = {
  id: "services.chargen.tcp",
  title: "Chargen over TCP streams the rotating 72-character lines until the client closes",
  requirement:
    "RFC 864: a TCP chargen server sends a stream of characters until the client closes, ignoring what it receives; the data may be anything, and the recommended pattern (anything else is a warn) is lines of 72 printable ASCII characters, each starting one further along",
  appliesTo: { transport: "tcp", profiles: ["chargen"] },
  hooks: transportHints,
  async run(t) {
    const c = await t.connect();
    const r = await c.readExactly(CHARGEN_READ);
    const bad = firstNonText(r.bytes);
    if (bad >= 0) {
      const from = Math.max(0, bad - 20);
      return t.fail(
        `Byte ${bad} of the stream is ${
          byteHex(r.bytes[bad])
        }, not printable ASCII text: chargen sends characters ("${
          printable(r.bytes.subarray(from, bad + 1))
        }")`,
        {
          expected: "printable ASCII characters in lines",
          actual: r.bytes.subarray(from, bad + 20),
        },
      );
    }
    if (r.end !== "done") {
      const why = r.end === "eof"
        ? "closed the connection"
        : r.end === "reset"
        ? "reset the connection"
        : r.end === "slow"
        ? "sent too slowly"
        : `sent nothing more for ${t.timeoutMs} ms`;
      return t.fail(
        `The server ${why} after ${r.bytes.length} bytes: chargen streams until the client closes`,
        {
          expected: `at least ${CHARGEN_READ} bytes`,
          actual: `${r.bytes.length} bytes, then ${r.end}`,
        },
      );
    }
    const differences = patternDifferences(r.bytes, true);
    if (differences.length > 0) {
      t.warn(
        `The stream is printable text, but not the RFC's example pattern: ${
          differences.join("; ")
        }. ${ANYTHING}`,
      );
    }
    await c.send(samplePayload({}, t.rng, 64));
    await c.close();
    await t.liveness("a client closed in the middle of the stream", "tcp");
  },
};

/** UDP: each datagram gets 0 to 512 characters of the pattern. */
export const chargenUdp: Case = {
  id: "services.chargen.udp",
  title: "Chargen over UDP answers each datagram with up to 512 characters of the pattern",
  requirement:
    "RFC 864: a UDP chargen server answers each datagram with a datagram of a random number (0 to 512) of characters; the data received is ignored (printable text off the recommended pattern is a warn)",
  appliesTo: { transport: "udp", profiles: ["chargen"] },
  hooks: transportHints,
  async run(t) {
    const requests = [samplePayload({}, t.rng, 20), new Uint8Array(0), t.rng.bytes(100)];
    for (const [i, request] of requests.entries()) {
      const got = await askUdp(t, request, {
        label: `u${i + 1}`,
        what: `a ${request.length}-byte datagram`,
      });
      if (got.data.length > 512) {
        return t.fail(
          `A ${request.length}-byte datagram got ${got.data.length} characters back: RFC 864 answers with at most 512`,
          { expected: "0 to 512 characters", actual: got.data },
        );
      }
      const bad = firstNonText(got.data);
      if (bad >= 0) {
        return t.fail(
          `Byte ${bad} of the answer to a ${request.length}-byte datagram is ${
            byteHex(got.data[bad])
          }, not printable ASCII text: ${describeBytes(got.data, 100)}`,
          { expected: "printable ASCII characters", actual: got.data },
        );
      }
      const differences = patternDifferences(got.data, false);
      if (differences.length > 0) {
        t.warn(
          `The answer to a ${request.length}-byte datagram is printable text, but not a run of the RFC's example pattern: ${
            differences.join("; ")
          }. ${ANYTHING}`,
        );
        return;
      }
    }
  },
};

/** The `services.chargen` group. */
export const chargenCases: readonly Case[] = [chargenTcp, chargenUdp];
