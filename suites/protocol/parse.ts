/**
 * Reads a protocol file (TOML) into a checked {@linkcode ProtocolSpec}. Every problem is one line
 * naming `file:line`, thrown as a {@linkcode ProtocolFileError} (a usage error: exit 2).
 *
 * @module
 */
import { parse } from "@std/toml";
import { decodeHex } from "@std/encoding/hex";
import { errorText, UsageError } from "../../harness/mod.ts";
import { locate } from "./_locate.ts";
import { nearest } from "./_nearest.ts";
import type {
  ByteClass,
  ClientSide,
  Expectation,
  Payload,
  PlainPayload,
  ProtocolSpec,
  RandomPlaceholder,
  Scenario,
  Step,
  WireFraming,
} from "./spec.ts";
import { BYTE_CLASSES, placeholdersIn } from "./template.ts";
import { TRANSFORMATIONS } from "./transform.ts";

/** A mistake in a protocol file: `file:line: problem`. */
export class ProtocolFileError extends UsageError {
  /**
   * @param message `file:line: problem`, one line (a reference's disagreement adds transcripts).
   * @param options Passed on to `Error` (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProtocolFileError";
  }
}

const ROOT_KEYS = [
  "name",
  "description",
  "transports",
  "framing",
  "max_message",
  "forbidden",
  "pipelining",
  "half_close",
  "reference",
  "probe",
  "placeholders",
  "client",
  "scenario",
];
const CLIENT_KEYS = ["args", "stdin", "stdout", "ends"];
const SCENARIO_KEYS = [
  "name",
  "requirement",
  "steps",
  "transformations",
  "skip",
  "alone",
  "reference",
];
const OPS = ["open", "send", "expect", "shutdown", "close", "abort"] as const;
const WANTS = ["text", "hex", "regex", "length", "nothing", "eof", "reset", "closed"];
const STEP_KEYS = [...OPS, "transport", "header", ...WANTS];
/**
 * Every key a protocol file may use: at its top, in a scenario, in a step.
 *
 * @example
 * ```ts
 * import { PROTOCOL_KEYS } from "./parse.ts";
 * PROTOCOL_KEYS.step.includes("expect"); // true
 * ```
 */
export const PROTOCOL_KEYS: {
  readonly file: readonly string[];
  readonly client: readonly string[];
  readonly scenario: readonly string[];
  readonly step: readonly string[];
} = { file: ROOT_KEYS, client: CLIENT_KEYS, scenario: SCENARIO_KEYS, step: STEP_KEYS };

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Parses and checks a protocol file's text. `path` names it in messages.
 *
 * @throws {ProtocolFileError} for a TOML syntax error, an unknown key (naming the nearest known
 * one), a step on a connection never opened, a regex that does not compile, a transformation the
 * framing or the steps cannot do, an undefined placeholder, or a value of the wrong kind.
 * @example
 * ```ts
 * import { parseProtocol } from "./parse.ts";
 * const spec = parseProtocol(`
 * name = "upper"
 * framing = { delimiter = "\\n" }
 * [[scenario]]
 * name = "one"
 * requirement = "A line comes back in capitals"
 * steps = [
 *   { open = "a" },
 *   { send = "a", text = "hi\\n" },
 *   { expect = "a", text = "HI\\n" },
 * ]
 * `, "upper.toml");
 * spec.scenarios[0].steps.length; // 3
 * ```
 */
export function parseProtocol(text: string, path: string): ProtocolSpec {
  const at = locate(text);
  const fail = (place: string, message: string): never => {
    throw new ProtocolFileError(`${path}:${at(place)}: ${message}`);
  };
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (e) {
    const m = /line (\d+)/.exec(errorText(e));
    throw new ProtocolFileError(`${path}:${m ? m[1] : 1}: Not valid TOML: ${errorText(e)}`, {
      cause: e,
    });
  }
  unknownKeys(raw, ROOT_KEYS, "", "the file", fail);
  const str = (v: unknown, place: string, what: string): string => {
    if (typeof v !== "string") fail(place, `${what} must be a string, got ${show(v)}`);
    return v as string;
  };
  const bool = (v: unknown, place: string, fallback: boolean): boolean => {
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") fail(place, `"${place.split(".").at(-1)}" must be true or false`);
    return v as boolean;
  };
  const name = str(raw.name, "name", '"name"');
  if (!NAME.test(name)) {
    fail("name", `"name" must be lower-case letters, digits and -, got "${name}"`);
  }
  const transports = raw.transports === undefined ? ["tcp" as const] : raw.transports;
  if (
    !Array.isArray(transports) || transports.length === 0 ||
    !transports.every((t) => t === "tcp" || t === "udp")
  ) {
    fail("transports", `"transports" must be a list of "tcp" and "udp", got ${show(transports)}`);
  }
  const framing = readFraming(raw.framing, fail);
  const maxMessage = raw.max_message === undefined ? 65536 : raw.max_message;
  if (typeof maxMessage !== "number" || !Number.isInteger(maxMessage) || maxMessage < 1) {
    fail("max_message", `"max_message" must be a whole number of bytes, got ${show(maxMessage)}`);
  }
  const forbidden = readForbidden(raw.forbidden, fail);
  const placeholders = readPlaceholders(raw.placeholders, fail);
  const reference = raw.reference === undefined
    ? undefined
    : str(raw.reference, "reference", '"reference"');
  if (reference !== undefined && !reference.includes("{port}") && !reference.includes("{tcp}")) {
    fail("reference", `"reference" must name the port it listens on: {port}, got "${reference}"`);
  }
  const spec: ProtocolSpec = {
    path,
    name,
    description: raw.description === undefined
      ? `Protocol file ${path}`
      : str(raw.description, "description", '"description"'),
    transports: transports as ("tcp" | "udp")[],
    framing,
    maxMessage: maxMessage as number,
    forbidden,
    pipelining: bool(raw.pipelining, "pipelining", false),
    halfClose: bool(raw.half_close, "half_close", false),
    placeholders,
    reference,
    probe: "",
    client: readClient(raw.client, Object.keys(placeholders), fail),
    scenarios: [],
  };
  const list = raw.scenario;
  if (!Array.isArray(list) || list.length === 0) {
    fail("scenario", "The file has no scenario: add a [[scenario]] table");
  }
  const scenarios = (list as unknown[]).map((s, i) => readScenario(s, i, spec, fail, at));
  const seen = new Set<string>();
  scenarios.forEach((s, i) => {
    if (seen.has(s.name)) fail(`scenario.${i}.name`, `Two scenarios are named "${s.name}"`);
    seen.add(s.name);
  });
  const probe = raw.probe === undefined ? scenarios[0].name : str(raw.probe, "probe", '"probe"');
  if (!seen.has(probe)) {
    const near = nearest(probe, [...seen]);
    fail(
      "probe",
      `"probe" names no scenario: "${probe}"${near ? ` (did you mean "${near}"?)` : ""}`,
    );
  }
  return { ...spec, probe, scenarios };
}

type Fail = (place: string, message: string) => never;

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}

function unknownKeys(
  o: Record<string, unknown>,
  known: readonly string[],
  base: string,
  where: string,
  fail: Fail,
) {
  for (const k of Object.keys(o)) {
    if (known.includes(k)) continue;
    const near = nearest(k, known);
    fail(
      base ? `${base}.${k}` : k,
      `Unknown key "${k}" in ${where}${near ? ` (did you mean "${near}"?)` : ""}`,
    );
  }
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function readFraming(v: unknown, fail: Fail): WireFraming {
  const usage =
    '"framing" must be "stream", { delimiter = "\\n" }, { length = 2 } (or 4), or { header = N, length_at = K, length_bytes = 2 }';
  if (v === undefined || v === "stream") return { kind: "stream" };
  if (!isTable(v)) return fail("framing", `${usage}, got ${show(v)}`);
  unknownKeys(
    v,
    ["delimiter", "length", "header", "length_at", "length_bytes"],
    "framing",
    '"framing"',
    fail,
  );
  if (typeof v.delimiter === "string" && v.delimiter !== "" && Object.keys(v).length === 1) {
    return { kind: "delimiter", delimiter: new TextEncoder().encode(v.delimiter) };
  }
  if ((v.length === 2 || v.length === 4) && Object.keys(v).length === 1) {
    return { kind: "length", bytes: v.length };
  }
  const { header, length_at: at, length_bytes: bytes } = v;
  if (
    typeof header === "number" && typeof at === "number" &&
    (bytes === 1 || bytes === 2 || bytes === 4) && Object.keys(v).length === 3 &&
    at >= 0 && at + bytes <= header
  ) {
    return { kind: "header", size: header, at, bytes };
  }
  return fail("framing", `${usage}, got ${show(v)}`);
}

function readForbidden(v: unknown, fail: Fail): number[] {
  if (v === undefined) return [];
  const bytes = Array.isArray(v)
    ? v.flatMap((b) =>
      typeof b === "number" && Number.isInteger(b) && b >= 0 && b < 256
        ? [b]
        : typeof b === "string" && b.length === 1 && b.charCodeAt(0) < 256
        ? [b.charCodeAt(0)]
        : []
    )
    : [];
  if (!Array.isArray(v) || bytes.length !== v.length) {
    fail(
      "forbidden",
      `"forbidden" must list bytes (0-255) or one-character strings, got ${show(v)}`,
    );
  }
  return bytes;
}

function readClient(v: unknown, placeholders: readonly string[], fail: Fail): ClientSide {
  if (v === undefined) {
    return { args: "", stdin: "requests", stdout: "replies", ends: "after-replies" };
  }
  if (!isTable(v)) return fail("client", `[client] must be a table, got ${show(v)}`);
  unknownKeys(v, CLIENT_KEYS, "client", "[client]", fail);
  const args = v.args ?? "";
  if (typeof args !== "string") fail("client.args", `"args" must be a string, got ${show(args)}`);
  const known = ["host", "port", "token", ...placeholders];
  const unknown = placeholdersIn(args as string).find((p) => !known.includes(p));
  if (unknown !== undefined) {
    fail(
      "client.args",
      `Placeholder "{${unknown}}" in "args" is not defined: expected one of ${
        known.map((k) => `{${k}}`).join(", ")
      }`,
    );
  }
  const one = <T extends string>(key: string, allowed: readonly T[]): T => {
    const got = v[key] ?? allowed[0];
    if (!allowed.includes(got as T)) {
      fail(
        `client.${key}`,
        `"${key}" must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${show(got)}`,
      );
    }
    return got as T;
  };
  return {
    args: args as string,
    stdin: one("stdin", ["requests", "nothing"] as const),
    stdout: one("stdout", ["replies", "nothing"] as const),
    ends: one("ends", ["after-replies", "at-close"] as const),
  };
}

function readPlaceholders(v: unknown, fail: Fail): Record<string, RandomPlaceholder> {
  if (v === undefined) return {};
  if (!isTable(v)) return fail("placeholders", `[placeholders] must be a table, got ${show(v)}`);
  const out: Record<string, RandomPlaceholder> = {};
  for (const [name, def] of Object.entries(v)) {
    const place = `placeholders.${name}`;
    if (name === "token") fail(place, '"token" is built in: it cannot be redefined');
    if (!isTable(def)) {
      fail(place, `Placeholder "${name}" must be { random = N, class = "alnum" }`);
    }
    const d = def as Record<string, unknown>;
    unknownKeys(d, ["random", "class"], place, `placeholder "${name}"`, fail);
    const n = d.random;
    const cls = d.class ?? "alnum";
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      fail(place, `Placeholder "${name}" needs random = a whole number of bytes, got ${show(n)}`);
    }
    if (!BYTE_CLASSES.includes(cls as ByteClass)) {
      fail(
        place,
        `Placeholder "${name}" has class ${show(cls)}: expected one of ${BYTE_CLASSES.join(", ")}`,
      );
    }
    out[name] = { random: n as number, class: cls as ByteClass };
  }
  return out;
}

function readScenario(
  v: unknown,
  i: number,
  spec: ProtocolSpec,
  fail: Fail,
  at: (place: string) => number,
): Scenario {
  const base = `scenario.${i}`;
  if (!isTable(v)) return fail(base, "A [[scenario]] must be a table");
  unknownKeys(v, SCENARIO_KEYS, base, "a scenario", fail);
  const name = v.name;
  if (typeof name !== "string" || !NAME.test(name)) {
    fail(
      `${base}.name`,
      `A scenario needs a name of lower-case letters, digits and -, got ${show(name)}`,
    );
  }
  if (typeof v.requirement !== "string" || v.requirement === "") {
    fail(`${base}.requirement`, `Scenario "${name}" needs a requirement: the rule it checks`);
  }
  if (!Array.isArray(v.steps) || v.steps.length === 0) {
    fail(`${base}.steps`, `Scenario "${name}" needs steps = [ ... ]`);
  }
  const alone = v.alone === undefined ? false : v.alone;
  if (typeof alone !== "boolean") fail(`${base}.alone`, '"alone" must be true or false');
  const reference = v.reference;
  if (reference !== undefined && (typeof reference !== "string" || !reference.includes("{port}"))) {
    fail(
      `${base}.reference`,
      `"reference" must be a command naming {port}, got ${show(reference)}`,
    );
  }
  const steps = readSteps(
    v.steps as unknown[],
    base,
    name as string,
    spec,
    !!(reference ?? spec.reference),
    fail,
    at,
  );
  const scenario: Scenario = {
    name: name as string,
    requirement: v.requirement as string,
    transformations: [],
    alone: alone as boolean,
    steps,
    line: at(base),
    reference: reference as string | undefined,
  };
  const names = TRANSFORMATIONS.map((t) => t.name);
  const pick = (key: "transformations" | "skip"): string[] | undefined => {
    const list = v[key];
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) {
      fail(`${base}.${key}`, `"${key}" must be a list of transformation names`);
    }
    for (const t of list as string[]) {
      if (names.includes(t)) continue;
      const near = nearest(t, names);
      fail(
        `${base}.${key}`,
        `Unknown transformation "${t}"${
          near ? ` (did you mean "${near}"?)` : `: expected one of ${names.join(", ")}`
        }`,
      );
    }
    return list as string[];
  };
  const asked = pick("transformations");
  const skip = pick("skip") ?? [];
  for (const t of asked ?? []) {
    const why = TRANSFORMATIONS.find((x) => x.name === t)!.cannot(spec, scenario);
    if (why) fail(`${base}.transformations`, `Scenario "${name}" cannot run "${t}": ${why}`);
  }
  const chosen = TRANSFORMATIONS.filter((t) =>
    (asked ? asked.includes(t.name) : t.cannot(spec, scenario) === null) && !skip.includes(t.name)
  ).map((t) => t.name);
  return { ...scenario, transformations: chosen };
}

function readSteps(
  list: unknown[],
  base: string,
  _scenario: string,
  spec: ProtocolSpec,
  hasReference: boolean,
  fail: Fail,
  at: (place: string) => number,
): Step[] {
  const open = new Map<string, "tcp" | "udp">();
  const ended = new Set<string>();
  const known = new Set(["token", ...Object.keys(spec.placeholders)]);
  return list.map((v, j): Step => {
    const place = `${base}.steps.${j}`;
    if (!isTable(v)) {
      return fail(place, `A step must be an inline table like { send = "a", text = "..." }`);
    }
    unknownKeys(v, STEP_KEYS, place, "a step", fail);
    const ops = OPS.filter((o) => o in v);
    if (ops.length !== 1) {
      return fail(
        place,
        `A step names one of ${OPS.join(", ")} with its connection, got ${ops.length}`,
      );
    }
    const op = ops[0];
    const on = v[op];
    if (typeof on !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(on)) {
      return fail(`${place}.${op}`, `"${op}" names a connection (a, b, ...), got ${show(on)}`);
    }
    const line = 0;
    const allowed: Record<string, string[]> = {
      open: ["transport"],
      send: ["text", "hex", "header"],
      expect: [...WANTS, "header"],
      shutdown: [],
      close: [],
      abort: [],
    };
    for (const k of Object.keys(v)) {
      if (k !== op && !allowed[op].includes(k)) {
        fail(`${place}.${k}`, `"${k}" does not go with ${op}`);
      }
    }
    if (op === "open") {
      if (open.has(on) && !ended.has(on)) {
        fail(`${place}.open`, `Connection "${on}" is already open`);
      }
      const transport = v.transport ?? (spec.transports.includes("tcp") ? "tcp" : "udp");
      if (transport !== "tcp" && transport !== "udp") {
        fail(`${place}.transport`, `"transport" must be "tcp" or "udp", got ${show(transport)}`);
      }
      if (!spec.transports.includes(transport as "tcp")) {
        fail(`${place}.transport`, `The file's transports do not include "${transport}"`);
      }
      open.set(on, transport as "tcp");
      ended.delete(on);
      return { op, on, transport: transport as "tcp", line };
    }
    if (!open.has(on)) {
      const near = nearest(on, [...open.keys()]);
      fail(
        `${place}.${op}`,
        `Step "${op}" on connection "${on}", which no earlier step opens${
          near ? ` (did you mean "${near}"?)` : ""
        }`,
      );
    }
    if (ended.has(on)) {
      fail(`${place}.${op}`, `Step "${op}" on connection "${on}" after it was closed`);
    }
    const udp = open.get(on) === "udp";
    if (op === "send") {
      const payload = readPayload(v, place, known, fail, spec.framing);
      if (!payload) fail(place, `A send needs text = "..." or hex = "..."`);
      const size = payload!.kind === "bytes"
        ? payload!.bytes.length
        : payload!.kind === "framed" && payload!.body.kind === "bytes"
        ? payload!.head.length + payload!.bytes + payload!.body.bytes.length
        : 0;
      if (size > spec.maxMessage) {
        fail(place, `This send has ${size} bytes, more than max_message (${spec.maxMessage})`);
      }
      return { op, on, payload: payload!, line };
    }
    if (op === "expect") {
      const want = readExpectation(v, place, known, hasReference, fail, spec.framing);
      if (udp && ["eof", "reset", "closed"].includes(want.kind)) {
        fail(place, `A UDP socket "${on}" cannot see ${want.kind}`);
      }
      if (want.kind === "regex") {
        for (const g of want.regex.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)) {
          known.add(g[1]);
        }
      }
      return { op, on, want, line };
    }
    if (udp && op !== "close") fail(`${place}.${op}`, `A UDP socket "${on}" cannot ${op}`);
    if (op !== "shutdown") ended.add(on);
    return { op, on, line };
  }).map((s, j) => ({ ...s, line: at(`${base}.steps.${j}`) }));
}

function readPayload(
  v: Record<string, unknown>,
  place: string,
  known: ReadonlySet<string>,
  fail: Fail,
  framing: WireFraming,
): Payload | null {
  const body = readPlain(v, place, known, fail);
  if (!("header" in v)) return body;
  if (!body) {
    return fail(`${place}.header`, `"header" goes with text = "..." or hex = "...": the body`);
  }
  const field = framing.kind === "length"
    ? { size: framing.bytes, at: 0, bytes: framing.bytes }
    : framing.kind === "header"
    ? framing
    : fail(
      `${place}.header`,
      `"header" needs a length in the framing: framing = { length = 2 } or { header = N, length_at = K, length_bytes = 2 }`,
    );
  const head = readHex(v.header, `${place}.header`, fail);
  const want = field.size - field.bytes;
  if (head.length !== want) {
    fail(
      `${place}.header`,
      `"header" gives the header without its ${field.bytes}-byte length field: ${want} bytes, got ${head.length}`,
    );
  }
  return { kind: "framed", head, at: field.at, bytes: field.bytes, body: body! };
}

function readPlain(
  v: Record<string, unknown>,
  place: string,
  known: ReadonlySet<string>,
  fail: Fail,
): PlainPayload | null {
  if ("text" in v && "hex" in v) fail(place, "Give text or hex, not both");
  if (typeof v.hex === "string" || "hex" in v) {
    return { kind: "bytes", bytes: readHex(v.hex, `${place}.hex`, fail) };
  }
  if (!("text" in v)) return null;
  if (typeof v.text !== "string") {
    return fail(`${place}.text`, `"text" must be a string, got ${show(v.text)}`);
  }
  const names = placeholdersIn(v.text);
  for (const n of names) {
    if (known.has(n)) continue;
    const near = nearest(n, [...known]);
    fail(
      `${place}.text`,
      `Placeholder "{${n}}" is not defined: ${
        near ? `did you mean "{${near}}"? ` : ""
      }define it in [placeholders], capture it with (?<${n}>...) in an earlier regex, or write {{ for a brace`,
    );
  }
  return names.length > 0 || v.text.includes("{{") || v.text.includes("}}")
    ? { kind: "template", text: v.text }
    : { kind: "bytes", bytes: new TextEncoder().encode(v.text) };
}

function readHex(v: unknown, place: string, fail: Fail): Uint8Array {
  if (typeof v !== "string") {
    return fail(place, `"hex" must be a string of hex digits, got ${show(v)}`);
  }
  const digits = v.replace(/[\s_:]/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) {
    fail(place, `"hex" must be pairs of hex digits (spaces allowed), got "${v}"`);
  }
  return decodeHex(digits);
}

function readExpectation(
  v: Record<string, unknown>,
  place: string,
  known: ReadonlySet<string>,
  hasReference: boolean,
  fail: Fail,
  framing: WireFraming,
): Expectation {
  const given = WANTS.filter((k) => k in v);
  if ("header" in v && given[0] !== "text" && given[0] !== "hex") {
    fail(`${place}.header`, `"header" goes with text = "..." or hex = "...": the body`);
  }
  if (given.length > 1) {
    fail(place, `An expect takes one of ${WANTS.join(", ")}, got ${given.join(" and ")}`);
  }
  const k = given[0];
  const flag = () => {
    if (v[k] !== true) fail(`${place}.${k}`, `"${k}" must be true`);
  };
  switch (k) {
    case undefined:
      if (!hasReference) {
        fail(
          place,
          `This expect says no reply (text, hex, regex, length, nothing, eof, reset or closed) and the file names no reference to learn it from`,
        );
      }
      return { kind: "learned" };
    case "text":
    case "hex":
      return { kind: "exact", payload: readPayload(v, place, known, fail, framing)! };
    case "regex": {
      if (typeof v.regex !== "string") fail(`${place}.regex`, `"regex" must be a string`);
      try {
        return {
          kind: "regex",
          regex: new RegExp(v.regex as string, "sd"),
          source: v.regex as string,
        };
      } catch (e) {
        return fail(`${place}.regex`, `The regex does not compile: ${errorText(e)}`);
      }
    }
    case "length":
    case "nothing": {
      const n = v[k];
      if (typeof n !== "number" || !Number.isInteger(n) || n < (k === "length" ? 1 : 1)) {
        fail(
          `${place}.${k}`,
          `"${k}" must be a whole number${
            k === "nothing" ? " of milliseconds" : " of bytes"
          }, got ${show(n)}`,
        );
      }
      return k === "length"
        ? { kind: "length", length: n as number }
        : { kind: "nothing", ms: n as number };
    }
    case "eof":
      flag();
      return { kind: "eof" };
    case "reset":
      flag();
      return { kind: "reset" };
    default:
      flag();
      return { kind: "closed" };
  }
}
