import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { renderJunit } from "./junit.ts";
import { HOSTILE, sampleRuns, syntheticReport } from "./_test_utils.ts";

/** The strict Ant JUnit schema, beside the repo: ../shared/schemas/junit.xsd. */
const SCHEMA = new URL("../../shared/schemas/junit.xsd", import.meta.url).pathname;

async function available(): Promise<string | null> {
  try {
    await Deno.stat(SCHEMA);
  } catch {
    return `no schema at ${SCHEMA}`;
  }
  try {
    await new Deno.Command("xmllint", { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
  } catch {
    return "xmllint is not installed (apt-get install libxml2-utils)";
  }
  return null;
}

const missing = await available();
if (missing) console.warn(`junit_test: skipping schema validation: ${missing}`);

/** Validates XML against the schema with xmllint; returns its complaints, empty when valid. */
async function validate(xml: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".xml" });
  try {
    await Deno.writeTextFile(path, xml);
    const out = await new Deno.Command("xmllint", {
      args: ["--noout", "--schema", SCHEMA, path],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return out.code === 0 ? "" : new TextDecoder().decode(out.stderr);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test({
  name: "renderJunit() output of a reference run and a mutant run validates against junit.xsd",
  ignore: missing !== null,
  async fn() {
    const { reference, mutant } = await sampleRuns();
    for (const report of [reference, mutant]) assertEquals(await validate(renderJunit(report)), "");
  },
});

Deno.test({
  name: "renderJunit() output with every outcome and hostile text validates against junit.xsd",
  ignore: missing !== null,
  async fn() {
    assertEquals(await validate(renderJunit(syntheticReport())), "");
  },
});

Deno.test("renderJunit() makes one testsuite per group with name = id and classname = group", () => {
  const xml = renderJunit(syntheticReport());
  const suites = [...xml.matchAll(/<testsuite name="([^"]+)" package="([^"]+)" id="(\d+)"/g)];
  assertEquals(suites.map((m) => m[1]), [
    "tcp.basic",
    "udp.basic",
    "tcp.framing",
    "tcp.halfclose",
    "tcp.backlog",
  ]);
  assertEquals(suites.map((m) => m[3]), ["0", "1", "2", "3", "4"]);
  assertStringIncludes(
    xml,
    '<testcase name="tcp.basic.single-request" classname="tcp.basic" time="0.012">',
  );
  assertStringIncludes(xml, 'tests="3" failures="1" errors="1" skipped="0"');
  assertStringIncludes(xml, '<failure message="Outcomes differed');
  assertStringIncludes(xml, 'type="flaky"');
  assertStringIncludes(xml, '<skipped message="No UDP target given">');
  assertStringIncludes(xml, '<property name="seed" value="9"/>');
  assertStringIncludes(xml, '<property name="tool" value="sockspec 0.1.0"/>');
  assertStringIncludes(xml, '<property name="target.tcp" value="tcp://127.0.0.1:7000"/>');
  assertStringIncludes(xml, 'timestamp="2026-01-02T03:04:05"');
  assertStringIncludes(xml, "reproduce:   deno task conform --only tcp.basic.single-request");
});

Deno.test("renderJunit() escapes a target's text and drops characters XML cannot carry", () => {
  const xml = renderJunit(syntheticReport());
  assert(!xml.includes("<script>"), "no raw markup from the target");
  assertStringIncludes(xml, "&lt;script&gt;alert(1)&lt;/script&gt;");
  const controls = [...xml].filter((ch) => ch < " " && ch !== "\n" && ch !== "\r" && ch !== "\t");
  assertEquals(controls, [], "no control characters");
  assert(!xml.includes("\ud800"), "no lone surrogate");
  assert(HOSTILE.includes("\x00"));
});

Deno.test("renderJunit() puts each case's transcript in its suite's system-out", () => {
  const xml = renderJunit(syntheticReport());
  const out = /<system-out>([^<]*)<\/system-out>/.exec(xml)![1];
  assertStringIncludes(out, "== tcp.basic.single-request (fail:");
  assertStringIncludes(out, "c1  send -&gt;  3 bytes  &quot;abc&quot;");
  assertStringIncludes(out, "(first 512 kept)");
});
