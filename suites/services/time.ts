/**
 * `services.time`: RFC 868 time sends 4 bytes, the seconds since 1900-01-01 00:00 UTC as a
 * big-endian 32-bit number. A value that only makes sense read in the wrong byte order, or
 * counted from 1970, is named as such.
 *
 * @module
 */
import { type Case, type CaseContext, describeBytes } from "../../harness/mod.ts";
import { askUdp } from "./_ask.ts";
import { transportHints } from "../wrong_transport.ts";

/** Seconds from 1900-01-01 to 1970-01-01. */
export const EPOCH_1900_OFFSET = 2_208_988_800;

/** Default tolerance against the local clock, in seconds (`--param time-tolerance=S`). */
export const TIME_TOLERANCE_S = 60;

const WRAP = 2 ** 32;

/** `a - b` modulo 2^32, as a signed number (the 32-bit field wraps in 2036). */
function offset(a: number, b: number): number {
  const d = (((a - b) % WRAP) + WRAP) % WRAP;
  return d >= WRAP / 2 ? d - WRAP : d;
}

function isoOf1900(seconds: number): string {
  return new Date((seconds - EPOCH_1900_OFFSET) * 1000).toISOString().replace(".000", "");
}

/**
 * Says what is wrong with 4 bytes of RFC 868 time read at `nowMs`, or null when they are within
 * `toleranceS` seconds of it.
 *
 * @example
 * ```ts
 * import { timeProblem } from "./time.ts";
 * timeProblem(new Uint8Array([0, 0, 0, 0]), Date.now(), 60); // "… 1900-01-01T00:00:00Z …"
 * ```
 */
export function timeProblem(bytes: Uint8Array, nowMs: number, toleranceS: number): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const big = view.getUint32(0, false);
  const little = view.getUint32(0, true);
  const unix = Math.floor(nowMs / 1000);
  const now1900 = unix + EPOCH_1900_OFFSET;
  const near = (value: number, ref: number) => Math.abs(offset(value, ref)) <= toleranceS;
  if (near(big, now1900)) return null;
  const read = `read big-endian the value is ${big} (${isoOf1900(big)})`;
  if (near(little, now1900)) {
    return `The time is in the wrong byte order: ${read}, but read little-endian it is the current time. RFC 868 sends a 32-bit number in network byte order (big-endian): use htonl()`;
  }
  if (near(big, unix)) {
    return `The time is counted from 1970: ${read}, which is the current Unix time. RFC 868 counts seconds from 1900-01-01: add ${EPOCH_1900_OFFSET}`;
  }
  if (near(little, unix)) {
    return `The time is counted from 1970 and in the wrong byte order: ${read}; read little-endian it is the current Unix time. RFC 868 counts from 1900-01-01 (add ${EPOCH_1900_OFFSET}) in network byte order`;
  }
  return `The time is ${
    offset(big, now1900)
  } s off the local clock: ${read}, the local clock says ${
    isoOf1900(now1900)
  } (tolerance ${toleranceS} s)`;
}

function check(t: CaseContext, bytes: Uint8Array, nowMs: number): void {
  const problem = timeProblem(bytes, nowMs, t.param("time-tolerance", TIME_TOLERANCE_S));
  if (problem) {
    const want = new Uint8Array(4);
    new DataView(want.buffer).setUint32(0, (Math.floor(nowMs / 1000) + EPOCH_1900_OFFSET) % WRAP);
    t.fail(problem, { expected: want, actual: bytes });
  }
}

/** TCP: exactly 4 bytes of time, then the server closes. */
export const timeTcp: Case = {
  id: "services.time.tcp",
  title: "Time over TCP sends 4 big-endian bytes of seconds since 1900, then closes",
  requirement:
    "RFC 868: the server sends the time as a 32-bit binary number (seconds since 1900-01-01 00:00 UTC) and closes the connection",
  appliesTo: { transport: "tcp", profiles: ["time"] },
  hooks: transportHints,
  async run(t) {
    const c = await t.connect();
    const r = await c.readToEof({ max: 64 });
    const nowMs = Date.now();
    if (r.bytes.length > 4) {
      return t.fail(
        `The server sent ${describeBytes(r.bytes, 40)}: RFC 868 sends exactly 4 bytes`,
        {
          expected: "4 bytes, then EOF",
          actual: r.bytes,
        },
      );
    }
    if (r.bytes.length < 4) {
      const how = r.end === "eof"
        ? "then closed"
        : r.end === "reset"
        ? "then reset"
        : `then nothing for ${t.timeoutMs} ms`;
      return t.fail(`The server sent ${r.bytes.length} of the 4 bytes of time, ${how}`, {
        expected: "4 bytes, then EOF",
        actual: r.bytes,
      });
    }
    check(t, r.bytes, nowMs);
    if (r.end !== "eof") {
      t.fail(
        r.end === "reset"
          ? "The server sent the time and then reset the connection instead of closing it"
          : `The server sent the 4 bytes of time but did not close the connection within ${t.timeoutMs} ms`,
        { expected: "4 bytes, then EOF", actual: `4 bytes, then ${r.end}` },
      );
    }
  },
};

/** UDP: an empty datagram gets 4 bytes of time. */
export const timeUdp: Case = {
  id: "services.time.udp",
  title: "Time over UDP answers an empty datagram with 4 big-endian bytes of seconds since 1900",
  requirement:
    "RFC 868: the user sends an empty datagram; the server answers with a datagram holding the time as a 32-bit binary number",
  appliesTo: { transport: "udp", profiles: ["time"] },
  hooks: transportHints,
  async run(t) {
    const got = await askUdp(t, new Uint8Array(0), { what: "an empty datagram" });
    const nowMs = Date.now();
    if (got.data.length !== 4) {
      return t.fail(
        `An empty datagram got ${describeBytes(got.data, 40)} back: RFC 868 sends exactly 4 bytes`,
        {
          expected: "a 4-byte datagram",
          actual: got.data,
        },
      );
    }
    check(t, got.data, nowMs);
  },
};

/** The `services.time` group. */
export const timeCases: readonly Case[] = [timeTcp, timeUdp];
