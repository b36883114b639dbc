/**
 * A protocol file's sample exchange: the request and reply the generic suites (half-close,
 * concurrency, robustness, backlog, process checks) send and expect, taken from the scenario the
 * file names as `probe`. Its first step opens a connection, its second sends on it a template
 * with a placeholder (or a framed message, `header = "..."`, whose body is one: its length field
 * is filled around each payload), its third expects an exact reply there: a generic case's payload fills that
 * placeholder (within the placeholder's byte class), and the reply is the expected one with the
 * same value. So `GET {token}\n` → `NOTFOUND\n` lets every generic case speak kv.
 *
 * @module
 */
import { concat } from "@std/bytes";
import type { Profile } from "../../harness/mod.ts";
import { makeRng } from "../../harness/mod.ts";
import { varsFor } from "./play.ts";
import type { Payload, ProtocolSpec } from "./spec.ts";
import { fill, framed, placeholdersIn } from "./template.ts";

/** What a sample exchange gives a profile: requests, their replies, and what a payload may hold. */
export type SampleExchange = Required<
  Pick<Profile, "encode" | "expectedReply" | "maxPayload" | "forbidden">
>;

/** The bytes `{token}` holds (see `varsFor`). */
const TOKEN_CLASS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALPHABETS: Record<string, string> = {
  alnum: TOKEN_CLASS,
  letters: TOKEN_CLASS.slice(0, 52),
  digits: "0123456789",
  hex: "0123456789abcdef",
};

/**
 * The sample exchange of `spec`'s probe scenario, or undefined when its first three steps are not
 * open, send (a template with a placeholder), exact expect on one connection: then the generic
 * request/reply cases do not apply to the file.
 *
 * @example
 * ```ts
 * import { parseProtocol } from "./parse.ts";
 * import { sampleExchange } from "./sample.ts";
 * const spec = parseProtocol(
 *   [
 *     'name = "kv"',
 *     'framing = { delimiter = "\\n" }',
 *     "[[scenario]]",
 *     'name = "missing"',
 *     'requirement = "r"',
 *     'steps = [{ open = "a" }, { send = "a", text = "GET {token}\\n" }, { expect = "a", text = "NOTFOUND\\n" }]',
 *   ].join("\n"),
 *   "kv.toml",
 * );
 * const kv = sampleExchange(spec)!;
 * const request = kv.encode(new TextEncoder().encode("k1"));
 * new TextDecoder().decode(request); // "GET k1\n"
 * new TextDecoder().decode(kv.expectedReply(request)); // "NOTFOUND\n"
 * ```
 */
export function sampleExchange(spec: ProtocolSpec): SampleExchange | undefined {
  const probe = spec.scenarios.find((s) => s.name === spec.probe);
  const [open, send, expect] = probe?.steps ?? [];
  if (open?.op !== "open" || send?.op !== "send" || expect?.op !== "expect") return undefined;
  if (send.on !== open.on || expect.on !== open.on) return undefined;
  if (expect.want.kind !== "exact") return undefined;
  // A framed send (`header = "..."`) puts the payload in its body: the length field is filled.
  const frame = send.payload.kind === "framed" ? send.payload : undefined;
  const body = frame ? frame.body : send.payload;
  if (body.kind !== "template") return undefined;
  const text = body.text;
  const name = placeholdersIn(text)[0];
  const at = text.indexOf(`{${name}}`);
  // The payload goes where the placeholder is, once: its other uses would hide where it ends.
  if (name === undefined || text.indexOf(`{${name}}`, at + 1) >= 0) return undefined;
  const vars = varsFor(spec, makeRng(0x5a3), 0);
  const part = (t: string): Uint8Array => fill({ kind: "template", text: t }, vars);
  const before = part(text.slice(0, at));
  const after = part(text.slice(at + name.length + 2));
  const wrap = (b: Uint8Array) => frame ? framed(frame, b) : b;
  const header = frame ? frame.head.length + frame.bytes : 0;
  const reply: Payload = expect.want.payload;
  const replyTo = (payload: Uint8Array) => fill(reply, new Map([...vars, [name, payload]]));
  const grows = replyTo(new Uint8Array(1)).length - replyTo(new Uint8Array(0)).length;
  const overhead = Math.max(
    header + before.length + after.length,
    grows > 0 ? replyTo(new Uint8Array(0)).length : 0,
  );
  const fieldMax = frame ? 2 ** (8 * frame.bytes) - 1 - before.length - after.length : Infinity;
  return {
    encode: (payload) => wrap(concat([before, payload, after])),
    expectedReply: (request) =>
      replyTo(request.subarray(header + before.length, request.length - after.length)),
    maxPayload: Math.max(1, Math.min(spec.maxMessage - overhead, fieldMax)),
    forbidden: forbiddenFor(spec, name),
  };
}

/** The bytes a payload in placeholder `name` may not hold: outside its class, or the file's. */
function forbiddenFor(spec: ProtocolSpec, name: string): number[] {
  const cls = name === "token" ? "alnum" : spec.placeholders[name]?.class ?? "bytes";
  const alphabet = ALPHABETS[cls];
  const out = new Set<number>(spec.forbidden);
  if (spec.framing.kind === "delimiter") { for (const b of spec.framing.delimiter) out.add(b); }
  if (alphabet !== undefined) {
    for (let b = 0; b < 256; b++) if (!alphabet.includes(String.fromCharCode(b))) out.add(b);
  }
  return [...out].sort((a, b) => a - b);
}
