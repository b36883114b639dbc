import { assertEquals, assertThrows } from "@std/assert";
import { parseProtocol, ProtocolFileError } from "./parse.ts";

const HEAD = `name = "kv"
framing = { delimiter = "\\n" }
`;

function problem(text: string): string {
  return assertThrows(() => parseProtocol(text, "kv.toml"), ProtocolFileError).message;
}

Deno.test("parseProtocol() reads framing, placeholders and steps with their lines", () => {
  const spec = parseProtocol(
    HEAD + `[placeholders]
value = { random = 4, class = "digits" }

[[scenario]]
name = "set-get"
requirement = "r"
steps = [
  { open = "a" },
  { send = "a", text = "SET {token} {value}\\n" },
  { expect = "a", regex = "^OK (?<id>\\\\d+)\\n$" },
  { send = "a", hex = "47 45 54 0a" },
  { expect = "a", nothing = 50 },
  { shutdown = "a" },
  { expect = "a", eof = true },
]
`,
    "kv.toml",
  );
  assertEquals(spec.framing.kind, "delimiter");
  assertEquals(spec.placeholders.value, { random: 4, class: "digits" });
  const s = spec.scenarios[0];
  assertEquals(s.steps.map((x) => [x.op, x.line]), [
    ["open", 10],
    ["send", 11],
    ["expect", 12],
    ["send", 13],
    ["expect", 14],
    ["shutdown", 15],
    ["expect", 16],
  ]);
  assertEquals(spec.probe, "set-get");
});

Deno.test("parseProtocol() names the nearest key for an unknown one, with its line", () => {
  assertEquals(
    problem(
      HEAD +
        `pipelinig = true\n[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [{ open = "a" }]\n`,
    ),
    'kv.toml:3: Unknown key "pipelinig" in the file (did you mean "pipelining"?)',
  );
  assertEquals(
    problem(
      HEAD +
        `[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [\n  { open = "a" },\n  { exepct = "a", text = "x" },\n]\n`,
    ),
    'kv.toml:8: Unknown key "exepct" in a step (did you mean "expect"?)',
  );
});

Deno.test("parseProtocol() rejects a step on a connection never opened", () => {
  assertEquals(
    problem(
      HEAD +
        `[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [\n  { open = "a" },\n  { send = "b", text = "x\\n" },\n]\n`,
    ),
    'kv.toml:8: Step "send" on connection "b", which no earlier step opens (did you mean "a"?)',
  );
});

Deno.test("parseProtocol() rejects a regex that does not compile", () => {
  const m = problem(
    HEAD +
      `[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [\n  { open = "a" },\n  { expect = "a", regex = "(unclosed" },\n]\n`,
  );
  assertEquals(m.startsWith("kv.toml:8: The regex does not compile: "), true, m);
});

Deno.test("parseProtocol() rejects a transformation the framing cannot do", () => {
  assertEquals(
    problem(
      `name = "p"\n[[scenario]]\nname = "s"\nrequirement = "r"\ntransformations = ["cut-framing"]\nsteps = [\n  { open = "a" },\n  { send = "a", text = "x" },\n]\n`,
    ),
    'kv.toml:5: Scenario "s" cannot run "cut-framing": stream framing has no header or delimiter to cut inside',
  );
});

Deno.test("parseProtocol() rejects a placeholder that is not defined", () => {
  assertEquals(
    problem(
      HEAD +
        `[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [\n  { open = "a" },\n  { send = "a", text = "GET {tokn}\\n" },\n]\n`,
    ),
    'kv.toml:8: Placeholder "{tokn}" is not defined: did you mean "{token}"? define it in [placeholders], capture it with (?<tokn>...) in an earlier regex, or write {{ for a brace',
  );
});

Deno.test("parseProtocol() rejects an expect without a reply when there is no reference", () => {
  const m = problem(
    HEAD +
      `[[scenario]]\nname = "s"\nrequirement = "r"\nsteps = [\n  { open = "a" },\n  { expect = "a" },\n]\n`,
  );
  assertEquals(m.startsWith("kv.toml:8: This expect says no reply"), true, m);
});

Deno.test("parseProtocol() names the line of a TOML syntax error", () => {
  assertEquals(problem(HEAD + `x = "\\q"\n`).startsWith("kv.toml:3: Not valid TOML"), true);
});

const ONE = `
[[scenario]]
name = "s"
requirement = "r"
steps = [{ open = "a" }]
`;

Deno.test("parseProtocol() reads the client's contract, defaulting to requests in and replies out", () => {
  assertEquals(parseProtocol(HEAD + ONE, "kv.toml").client, {
    args: "",
    stdin: "requests",
    stdout: "replies",
    ends: "after-replies",
  });
  const spec = parseProtocol(
    HEAD +
      `[client]\nargs = "GET {token} {host}"\nstdin = "nothing"\nstdout = "nothing"\nends = "at-close"\n` +
      ONE,
    "kv.toml",
  );
  assertEquals(spec.client, {
    args: "GET {token} {host}",
    stdin: "nothing",
    stdout: "nothing",
    ends: "at-close",
  });
});

Deno.test("parseProtocol() names file:line for a bad [client] table", () => {
  assertEquals(
    problem(HEAD + `[client]\nstdn = "nothing"\n` + ONE),
    'kv.toml:4: Unknown key "stdn" in [client] (did you mean "stdin"?)',
  );
  assertEquals(
    problem(HEAD + `[client]\nstdout = "lines"\n` + ONE),
    'kv.toml:4: "stdout" must be "replies" or "nothing", got "lines"',
  );
  assertEquals(
    problem(HEAD + `[client]\nargs = "GET {key}"\n` + ONE),
    'kv.toml:4: Placeholder "{key}" in "args" is not defined: expected one of {host}, {port}, {token}',
  );
});

const BLOB = `name = "blob"
framing = { header = 4, length_at = 2, length_bytes = 2 }
[[scenario]]
name = "s"
requirement = "r"
steps = [
  { open = "a" },
`;

Deno.test("parseProtocol() reads a framed step: the header without its length, then the body", () => {
  const spec = parseProtocol(
    BLOB + `  { send = "a", header = "01 00", hex = "41 42" },\n]\n`,
    "b.toml",
  );
  const send = spec.scenarios[0].steps[1];
  assertEquals(send.op === "send" && send.payload, {
    kind: "framed",
    head: Uint8Array.of(1, 0),
    at: 2,
    bytes: 2,
    body: { kind: "bytes", bytes: Uint8Array.of(0x41, 0x42) },
  });
});

Deno.test("parseProtocol() names file:line for a header the framing or the step cannot take", () => {
  assertEquals(
    problem(BLOB + `  { send = "a", header = "01", text = "x" },\n]\n`),
    'kv.toml:8: "header" gives the header without its 2-byte length field: 2 bytes, got 1',
  );
  assertEquals(
    problem(BLOB + `  { expect = "a", header = "81 00", length = 4 },\n]\n`),
    'kv.toml:8: "header" goes with text = "..." or hex = "...": the body',
  );
  assertEquals(
    problem(
      HEAD +
        ONE.replace(
          '[{ open = "a" }]',
          '[{ open = "a" }, { send = "a", header = "", text = "x" }]',
        ),
    ),
    'kv.toml:7: "header" needs a length in the framing: framing = { length = 2 } or { header = N, length_at = K, length_bytes = 2 }',
  );
});
