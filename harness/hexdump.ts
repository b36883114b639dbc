/**
 * Bytes for people: `hexdump -C` lines, printable text, and where two byte strings first differ.
 *
 * @module
 */
import { decodeHex } from "@std/encoding/hex";

/**
 * Renders bytes as `hexdump -C`-style lines: offset, 16 hex bytes, printable ASCII.
 * At most `maxLines` lines; a last line says how many bytes were left out.
 */
export function hexdump(bytes: Uint8Array | string, maxLines = 16): string[] {
  const data: Uint8Array = typeof bytes === "string" ? decodeHex(bytes) : bytes;
  const lines: string[] = [];
  for (let off = 0; off < data.length; off += 16) {
    if (lines.length === maxLines) {
      lines.push(`… ${data.length - off} more bytes`);
      break;
    }
    const row = data.subarray(off, off + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0"));
    const left = hex.slice(0, 8).join(" ").padEnd(23);
    const right = hex.slice(8).join(" ").padEnd(23);
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "."))
      .join("");
    lines.push(`${off.toString(16).padStart(8, "0")}  ${left}  ${right}  |${ascii}|`);
  }
  return lines;
}

/**
 * Renders bytes as one printable line: ASCII as is, `\n`, `\r`, `\t`, `\\` and `\xNN` for the
 * rest, cut after `max` bytes with a count of what was cut.
 */
export function printable(bytes: Uint8Array, max = 200): string {
  let out = "";
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b === 0x5c) out += "\\\\";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += "\\x" + b.toString(16).padStart(2, "0");
  }
  if (bytes.length > max) out += `… (+${bytes.length - max} bytes)`;
  return out;
}

/** One byte as `0x6f 'o'` (the character only when printable), or `nothing`. */
export function byteText(b: number | undefined): string {
  if (b === undefined) return "nothing";
  const ch = b >= 0x20 && b < 0x7f ? ` '${String.fromCharCode(b)}'` : "";
  return `${byteHex(b)}${ch}`;
}

/** One byte as `0x0a`. */
export function byteHex(b: number): string {
  return "0x" + b.toString(16).padStart(2, "0");
}

/**
 * Bytes as space-separated hex pairs, as a header is quoted in messages.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { hexPairs } from "./hexdump.ts";
 * assertEquals(hexPairs(new Uint8Array([0x01, 0x2c])), "01 2c");
 * ```
 */
export function hexPairs(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Describes bytes as `N bytes "printable"`. */
export function describeBytes(bytes: Uint8Array, max = 200): string {
  return `${bytes.length} byte${bytes.length === 1 ? "" : "s"} "${printable(bytes, max)}"`;
}

/**
 * The offset of the first byte where `a` and `b` differ; when one is a prefix of the other, the
 * shorter one's length; -1 when they are equal.
 *
 * @example
 * ```ts
 * import { firstDifference } from "./hexdump.ts";
 * const bytes = (s: string) => new TextEncoder().encode(s);
 * firstDifference(bytes("hello"), bytes("help")); // 3
 * firstDifference(bytes("hel"), bytes("hello")); // 3
 * firstDifference(bytes("hello"), bytes("hello")); // -1
 * ```
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
