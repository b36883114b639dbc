/**
 * Step bytes with placeholders: `{token}` (new for each copy of a scenario), a random placeholder
 * the file defines, or a named part an earlier `regex` expect captured. `{{` and `}}` are literal
 * braces.
 *
 * @module
 */
import { concat } from "@std/bytes";
import type { ByteClass, Payload, PlainPayload } from "./spec.ts";
import type { Rng } from "../../harness/mod.ts";

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_-]*)\}/g;

/**
 * The placeholder names a template uses, in order of first use.
 *
 * @example
 * ```ts
 * import { placeholdersIn } from "./template.ts";
 * placeholdersIn("SET {token} {value}\n{{x}}"); // ["token", "value"]
 * ```
 */
export function placeholdersIn(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) if (m[1]) names.add(m[1]);
  return [...names];
}

/**
 * The bytes of a payload with its placeholders filled from `vars` (text is UTF-8).
 *
 * @throws {RangeError} when a placeholder has no value (the parser rules this out for files).
 * @example
 * ```ts
 * import { fill } from "./template.ts";
 * const vars = new Map([["token", new TextEncoder().encode("k1")]]);
 * new TextDecoder().decode(fill({ kind: "template", text: "GET {token}\n" }, vars)); // "GET k1\n"
 * ```
 */
export function fill(payload: Payload, vars: ReadonlyMap<string, Uint8Array>): Uint8Array {
  if (payload.kind === "bytes") return payload.bytes;
  if (payload.kind === "framed") return framed(payload, fill(payload.body, vars));
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const m of payload.text.matchAll(PLACEHOLDER)) {
    parts.push(enc.encode(payload.text.slice(from, m.index)));
    if (m[1]) {
      const v = vars.get(m[1]);
      if (!v) throw new RangeError(`Placeholder "{${m[1]}}" has no value`);
      parts.push(v);
    } else parts.push(enc.encode(m[0][0]));
    from = m.index + m[0].length;
  }
  parts.push(enc.encode(payload.text.slice(from)));
  return concat(parts);
}

/**
 * A whole message of a length-framed protocol: `p.head` with the big-endian length of `body` put
 * in at `p.at`, then `body`.
 *
 * @throws {RangeError} when the body's length does not fit the length field.
 * @example
 * ```ts
 * import { framed } from "./template.ts";
 * const head = new Uint8Array([1, 0]);
 * framed({ head, at: 2, bytes: 2 }, new Uint8Array([7])); // Uint8Array [1, 0, 0, 1, 7]
 * ```
 */
export function framed(
  p: { head: Uint8Array; at: number; bytes: 1 | 2 | 4 },
  body: Uint8Array,
): Uint8Array {
  if (body.length >= 2 ** (8 * p.bytes)) {
    throw new RangeError(`A body of ${body.length} bytes does not fit a ${p.bytes}-byte length`);
  }
  const length = new Uint8Array(p.bytes);
  for (let i = 0, n = body.length; i < p.bytes; i++, n = Math.floor(n / 256)) {
    length[p.bytes - 1 - i] = n % 256;
  }
  return concat([p.head.subarray(0, p.at), length, p.head.subarray(p.at), body]);
}

/**
 * The template text of a payload (its body's, for a framed one), or "" for fixed bytes.
 *
 * @example
 * ```ts
 * import { templateText } from "./template.ts";
 * templateText({ kind: "template", text: "GET {token}\n" }); // "GET {token}\n"
 * ```
 */
export function templateText(payload: Payload): string {
  const plain: PlainPayload = payload.kind === "framed" ? payload.body : payload;
  return plain.kind === "template" ? plain.text : "";
}

const CLASSES: Record<ByteClass, Uint8Array> = {
  alnum: ascii("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
  letters: ascii("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
  digits: ascii("0123456789"),
  hex: ascii("0123456789abcdef"),
  bytes: Uint8Array.from({ length: 256 }, (_, i) => i),
};

/** The byte classes a random placeholder may name. */
export const BYTE_CLASSES: readonly ByteClass[] = Object.keys(CLASSES) as ByteClass[];

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * `n` seeded random bytes of `cls`, without any of `forbidden`.
 *
 * @example
 * ```ts
 * import { makeRng } from "../../harness/mod.ts";
 * import { randomOf } from "./template.ts";
 * randomOf(makeRng(1), 6, "digits", []).length; // 6
 * ```
 */
export function randomOf(
  rng: Rng,
  n: number,
  cls: ByteClass,
  forbidden: readonly number[],
): Uint8Array {
  const alphabet = CLASSES[cls].filter((b) => !forbidden.includes(b));
  return rng.pick(n, alphabet);
}

/**
 * Text as bytes one for one (latin-1): how regexes see a message, so captures map back exactly.
 *
 * @example
 * ```ts
 * import { bytesText } from "./template.ts";
 * bytesText(new Uint8Array([0x4f, 0x4b, 0xff])); // "OK\xff"
 * ```
 */
export function bytesText(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/**
 * The inverse of {@linkcode bytesText}.
 *
 * @example
 * ```ts
 * import { textBytes } from "./template.ts";
 * textBytes("OK"); // Uint8Array [79, 75]
 * ```
 */
export function textBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}
