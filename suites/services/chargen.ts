/**
 * `services.chargen`: RFC 864 character generator. The pattern is the one the RFC describes:
 * lines of 72 printable ASCII characters, each starting one character further along the 95
 * printable characters (space to tilde, then round again), ended by CR LF.
 *
 * @module
 */
import { type Case, describeBytes, printable, samplePayload } from "../../harness/mod.ts";
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

/** How much of the TCP stream the case reads and checks: over two full turns of the pattern. */
export const CHARGEN_READ = 16 * 1024;

/** TCP: the stream follows the pattern, keeps coming, and the server survives the client closing. */
export const chargenTcp: Case = {
  id: "services.chargen.tcp",
  title: "Chargen over TCP streams the rotating 72-character lines until the client closes",
  requirement:
    "RFC 864: a TCP chargen server sends a stream of characters until the client closes, ignoring what it receives; the pattern is lines of 72 printable ASCII characters, each starting one further along",
  appliesTo: { transport: "tcp", profiles: ["chargen"] },
  hooks: transportHints,
  async run(t) {
    const c = await t.connect();
    const r = await c.readExactly(CHARGEN_READ);
    const broken = checkChargenStream(r.bytes);
    if (broken) {
      return t.fail(
        `The stream leaves the pattern at byte ${broken.at} (line ${broken.line}): expected "${broken.expected}", got "${broken.actual}". Each line is 72 consecutive printable characters starting one after the previous line's start, then CR LF`,
        { expected: broken.expected, actual: broken.actual },
      );
    }
    if (r.end !== "done") {
      const why = r.end === "eof"
        ? "closed the connection"
        : r.end === "reset"
        ? "reset the connection"
        : `sent nothing more for ${t.timeoutMs} ms`;
      return t.fail(
        `The server ${why} after ${r.bytes.length} bytes: chargen streams until the client closes`,
        {
          expected: `at least ${CHARGEN_READ} bytes`,
          actual: `${r.bytes.length} bytes, then ${r.end}`,
        },
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
    "RFC 864: a UDP chargen server answers each datagram with a datagram of a random number (0 to 512) of characters; the data received is ignored",
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
      if (!isChargenRun(got.data)) {
        return t.fail(
          `The answer to a ${request.length}-byte datagram is not a run of the chargen pattern (72-character lines of rotating printable ASCII): ${
            describeBytes(got.data, 100)
          }`,
          { expected: "a run of the chargen pattern", actual: got.data },
        );
      }
    }
  },
};

/** The `services.chargen` group. */
export const chargenCases: readonly Case[] = [chargenTcp, chargenUdp];
