/**
 * A transcript as text lines, shared by the console, JUnit, Gradescope and `serve --case`.
 *
 * @module
 */
import { decodeHex } from "@std/encoding/hex";
import { printable, type TranscriptEvent } from "../harness/mod.ts";

const ARROW = { out: "->", in: "<-" } as const;

/**
 * One transcript event as one printable line: time, connection, kind, direction, length, bytes.
 *
 * @example
 * ```ts
 * import { eventLine } from "./_transcript.ts";
 * const line = eventLine({ t: 1.5, conn: "c1", kind: "send", dir: "out", length: 3, hex: "68690a" });
 * console.log(line); // '    1.5 ms  c1  send ->  3 bytes  "hi\\n"'
 * ```
 */
export function eventLine(e: TranscriptEvent, maxBytes = 80): string {
  const parts = [
    `${e.t.toFixed(1).padStart(7)} ms`,
    e.conn,
    e.dir ? `${e.kind} ${ARROW[e.dir]}` : e.kind,
  ];
  if (e.length !== undefined) parts.push(`${e.length} byte${e.length === 1 ? "" : "s"}`);
  if (e.hex) {
    const shown = printable(decodeHex(e.hex), maxBytes);
    parts.push(`"${shown}"${e.truncated ? ` (first ${e.hex.length / 2} kept)` : ""}`);
  }
  if (e.detail) parts.push(e.detail);
  return parts.join("  ");
}

/** A whole transcript as printable lines. */
export function transcriptLines(events: readonly TranscriptEvent[], maxBytes = 80): string[] {
  return events.map((e) => eventLine(e, maxBytes));
}
