/**
 * A case's exchange with a reference program beside its exchange with the target: the transcript
 * events of connections labelled `ref a`, `ref b`, … on the left and those of `a`, `b`, … on the
 * right, row by row in the order each side did them. Protocol-file cases that learn replies from
 * a reference record both; other cases give no lines.
 *
 * @module
 */
import { decodeHex } from "@std/encoding/hex";
import type { CaseResult, TranscriptEvent } from "../harness/mod.ts";

const WIDTH = 44;

/**
 * The two exchanges as aligned text lines, or none when the case has no reference events.
 *
 * @example
 * ```ts
 * import { sideBySide } from "./side_by_side.ts";
 * const lines = sideBySide({
 *   transcript: [
 *     { t: 1, conn: "ref a", kind: "recv", dir: "in", hex: "4f4b0a" },
 *     { t: 2, conn: "a", kind: "recv", dir: "in", hex: "4e4f0a" },
 *   ],
 * });
 * lines[1]; // "  a  recv \"OK\\n\"                                 a  recv \"NO\\n\""
 * ```
 */
export function sideBySide(r: Pick<CaseResult, "transcript">): string[] {
  const ref = r.transcript.filter((e) => e.conn.startsWith("ref "));
  if (ref.length === 0) return [];
  const target = r.transcript.filter((e) => !e.conn.startsWith("ref ") && e.conn !== "probe");
  const rows = Math.max(ref.length, target.length);
  const out = [`  ${"reference".padEnd(WIDTH)} target`];
  for (let i = 0; i < rows; i++) {
    const left = ref[i] ? show(ref[i], ref[i].conn.slice(4)) : "";
    const right = target[i] ? show(target[i], target[i].conn) : "";
    out.push(`  ${left.padEnd(WIDTH)} ${right}`.trimEnd());
  }
  return out;
}

function show(e: TranscriptEvent, conn: string): string {
  const what = e.hex !== undefined ? JSON.stringify(text(e.hex)) : e.detail ?? "";
  const line = `${conn}  ${e.kind}${what ? ` ${what}` : ""}`;
  return line.length > WIDTH ? `${line.slice(0, WIDTH - 1)}…` : line;
}

function text(hex: string): string {
  return [...decodeHex(hex)].map((b) =>
    b >= 0x20 && b < 0x7f || b === 0x0a
      ? String.fromCharCode(b)
      : `\\x${b.toString(16).padStart(2, "0")}`
  ).join("");
}
