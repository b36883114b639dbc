/**
 * `services.daytime`: RFC 867 daytime sends the date and time as text. The RFC fixes no syntax,
 * so the cases check only that the text is printable ASCII, names a plausible current date, and
 * (over TCP) that the server closes after it.
 *
 * @module
 */
import { byteHex, type Case, describeBytes, printable, samplePayload } from "../../harness/mod.ts";
import { askUdp } from "./_ask.ts";
import { transportHints } from "../wrong_transport.ts";

/** The most daytime text the cases read before calling it a flood. */
export const DAYTIME_MAX = 4096;

const DAY_MS = 86_400_000;

/**
 * Says what is wrong with a daytime text, or null when it is printable ASCII naming a date near
 * `now`: a text `Date.parse()` reads must be within a day of `now`; any other text must name the
 * current year (or, within a day of New Year, the neighbouring one).
 *
 * @example
 * ```ts
 * import { daytimeProblem } from "./daytime.ts";
 * daytimeProblem(new TextEncoder().encode("Tuesday, February 22, 1982 17:37:43-PST\r\n"),
 *   new Date("1982-02-23T01:37:43Z")); // null
 * ```
 */
export function daytimeProblem(bytes: Uint8Array, now: Date = new Date()): string | null {
  if (bytes.length === 0) return "The server sent no text";
  const bad = bytes.findIndex((b) =>
    !(b >= 0x20 && b < 0x7f) && b !== 0x0d && b !== 0x0a && b !== 0x09
  );
  if (bad >= 0) {
    return `Byte ${bad} of the text is ${
      byteHex(bytes[bad])
    }, not printable ASCII: daytime sends a human-readable text`;
  }
  const text = new TextDecoder().decode(bytes).trim();
  const parsed = Date.parse(text.replace(/-([A-Z]{3})$/, " $1"));
  if (!Number.isNaN(parsed)) {
    if (Math.abs(parsed - now.getTime()) <= DAY_MS) return null;
    return `The text "${printable(bytes, 80)}" reads as ${
      new Date(parsed).toISOString()
    }, more than a day from the local clock's ${now.toISOString()}`;
  }
  const years = new Set(
    [now.getTime() - DAY_MS, now.getTime(), now.getTime() + DAY_MS].map((ms) =>
      new Date(ms).getUTCFullYear()
    ),
  );
  for (const y of years) if (new RegExp(`(^|\\D)${y}(\\D|$)`).test(text)) return null;
  return `The text "${
    printable(bytes, 80)
  }" does not look like the current date: it names no year ${[...years].join(" or ")}`;
}

/** TCP: the server sends a plausible date as text and closes. */
export const daytimeTcp: Case = {
  id: "services.daytime.tcp",
  title: "Daytime over TCP sends the current date as text and closes",
  requirement:
    "RFC 867: once a TCP connection is established the server sends the current date and time as an ASCII character string and then closes the connection; input is thrown away",
  appliesTo: { transport: "tcp", profiles: ["daytime"] },
  hooks: transportHints,
  async run(t) {
    const c = await t.connect();
    const r = await c.readToEof({ max: DAYTIME_MAX });
    if (r.end === "cap") {
      return t.fail(`The server sent more than ${DAYTIME_MAX} bytes: daytime sends one date`, {
        expected: "one line of text, then EOF",
        actual: r.bytes,
      });
    }
    const problem = daytimeProblem(r.bytes);
    if (problem && r.bytes.length > 0) {
      return t.fail(problem, { expected: "the current date as printable text", actual: r.bytes });
    }
    if (r.end === "timeout") {
      return t.fail(
        r.bytes.length === 0
          ? `The server sent nothing for ${t.timeoutMs} ms after the connection opened`
          : `The server sent ${
            describeBytes(r.bytes, 60)
          } but did not close the connection within ${t.timeoutMs} ms: RFC 867 closes after sending the date`,
        {
          expected: "the date, then EOF",
          actual: r.bytes.length === 0
            ? "no bytes"
            : `${r.bytes.length} bytes, connection still open`,
        },
      );
    }
    if (r.end === "reset") {
      return t.fail(
        `The server reset the connection after ${r.bytes.length} bytes instead of closing it`,
        { expected: "the date, then EOF (FIN)", actual: "connection reset (RST)" },
      );
    }
    if (problem) t.fail(problem, { expected: "the current date as text", actual: r.bytes });
  },
};

/** UDP: any datagram gets a plausible date as text. */
export const daytimeUdp: Case = {
  id: "services.daytime.udp",
  title: "Daytime over UDP answers any datagram with the current date as text",
  requirement:
    "RFC 867: a UDP daytime server answers a datagram (its data is thrown away) with a datagram holding the current date and time as an ASCII string",
  appliesTo: { transport: "udp", profiles: ["daytime"] },
  hooks: transportHints,
  async run(t) {
    const got = await askUdp(t, samplePayload({}, t.rng, 16), { what: "a 16-byte datagram" });
    const problem = daytimeProblem(got.data);
    if (problem) t.fail(problem, { expected: "the current date as text", actual: got.data });
  },
};

/** The `services.daytime` group. */
export const daytimeCases: readonly Case[] = [daytimeTcp, daytimeUdp];
