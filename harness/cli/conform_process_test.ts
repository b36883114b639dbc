import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { closesAtOnce } from "../../fixtures/mutants/closes_at_once.ts";
import { silent } from "../../fixtures/mutants/silent.ts";
import { serve } from "../../fixtures/references/serve.ts";
import { echo } from "./_test_utils.ts";
import { ALL_CASES } from "../../suites/mod.ts";
import { LISTED_CASES } from "../subject/client/client.ts";
import { runCli } from "./_test_utils.ts";
import type { RunReport } from "../mod.ts";
import { freePort } from "../program/free_port.ts";

const conform = (args: string[]) => runCli("harness/cli/conform.ts", args);

function assertOneLine(stderr: string, includes: string) {
  const lines = stderr.trim().split("\n");
  assertEquals(lines.length, 1, `one line expected, got:\n${stderr}`);
  assertStringIncludes(lines[0], includes);
  assert(!/\bat .*:\d+:\d+/.test(stderr), "no stack trace");
}

Deno.test("conform exits 2 with one line for each kind of bad input", async (t) => {
  const bad: [string, string[], string][] = [
    ["a target with no scheme separator", ["--target", "tcp//x"], 'Cannot parse target "tcp//x"'],
    ["a target with no port", ["--target", "tcp://host"], "no port"],
    ["port 0", ["--target", "tcp://127.0.0.1:0"], "outside 1-65535"],
    ["port 70000", ["--target", "udp://127.0.0.1:70000"], "outside 1-65535"],
    ["an unknown scheme", ["--target", "sctp://127.0.0.1:7"], 'unknown scheme "sctp"'],
    ["no target", [], "No target"],
    [
      "an unknown profile",
      ["--target", "tcp://127.0.0.1:7", "--profile", "nope"],
      'Unknown profile "nope"',
    ],
    [
      "a profile module that does not load",
      ["--target", "tcp://127.0.0.1:7", "--profile", "./no/such_profile.ts"],
      'Cannot load profile module "./no/such_profile.ts"',
    ],
    [
      "an unknown option",
      ["--target", "tcp://127.0.0.1:7", "--frobnicate"],
      'Unknown option "--frobnicate"',
    ],
    [
      "an unwritable report path",
      ["--target", "tcp://127.0.0.1:7", "--report", "json:/no/such/dir/r.json"],
      'Cannot write report "/no/such/dir/r.json"',
    ],
    ["a bad seed", ["--target", "tcp://127.0.0.1:7", "--seed", "x"], "--seed"],
  ];
  for (const [what, args, message] of bad) {
    await t.step(what, async () => {
      const r = await conform(args);
      assertEquals(r.code, 2, r.stderr);
      assertOneLine(r.stderr, message);
    });
  }
});

Deno.test("conform reports a closed port as error and exits 3", async () => {
  const port = freePort("tcp");
  const r = await conform(["--target", `tcp://127.0.0.1:${port}`, "--only", "tcp.basic"]);
  assertEquals(r.code, 3, r.stdout + r.stderr);
  assertStringIncludes(r.stdout, "refused");
  assertMatch(r.stdout.trim().split("\n").at(-1)!, /^0 passed, 0 failed, \d+ errors, \d+ skipped$/);
  assertEquals(r.stderr, "");
});

Deno.test("conform fails a server that closes at once, with evidence and a reproduce line", async () => {
  await using served = await closesAtOnce.start();
  const r = await conform([
    "--target",
    served.targets.tcp!.url,
    "--only",
    "tcp.basic",
    "--seed",
    "7",
  ]);
  assertEquals(r.code, 1, r.stdout);
  assertStringIncludes(r.stdout, "FAIL   tcp.basic.connect");
  assertStringIncludes(r.stdout, "requirement:");
  assertStringIncludes(r.stdout, "expected:");
  assertStringIncludes(
    r.stdout,
    `reproduce:   deno task conform --target ${
      served.targets.tcp!.url
    } --profile echo --only tcp.basic.connect --seed 7`,
  );
});

Deno.test("conform passes the reference and writes the JSON report", async () => {
  await using served = serve(echo.reference!);
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const r = await conform([
      "--target",
      served.targets.tcp!.url,
      "--target",
      served.targets.udp!.url,
      "--only",
      "tcp.basic",
      "--only",
      "udp.basic",
      "--seed",
      "11",
      "--report",
      `json:${path}`,
    ]);
    assertEquals(r.code, 0, r.stdout + r.stderr);
    const report: RunReport = JSON.parse(await Deno.readTextFile(path));
    assertEquals(report.tool.name, "sockspec");
    assertEquals(report.seed, 11);
    assertEquals(report.profile, "echo");
    assertEquals(report.targets.map((t) => t.url), [
      served.targets.tcp!.url,
      served.targets.udp!.url,
    ]);
    assertEquals(report.summary.fail + report.summary.error, 0);
    const c = report.cases.find((c) => c.id === "tcp.basic.single-request")!;
    for (
      const key of [
        "id",
        "title",
        "requirement",
        "outcome",
        "message",
        "durationMs",
        "transcript",
        "reproduce",
      ]
    ) {
      assert(key in c, key);
    }
    assert(c.transcript.some((e) => e.kind === "send" && e.dir === "out" && e.hex));
    assert(c.transcript.some((e) => e.kind === "recv" && e.dir === "in" && e.hex));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("conform with the same seed sends the same bytes", async () => {
  await using served = serve(echo.reference!);
  const sends = async (seed: string) => {
    const r = await runCli("harness/cli/conform.ts", [
      "--target",
      served.targets.tcp!.url,
      "--only",
      "tcp.basic.single-request",
      "--seed",
      seed,
      "--report",
      "json:-",
    ]);
    const json = r.stdout.slice(r.stdout.indexOf("{\n"));
    const report: RunReport = JSON.parse(json);
    return report.cases[0].transcript.filter((e) => e.kind === "send").map((e) => e.hex);
  };
  assertEquals(await sends("42"), await sends("42"));
  assert(JSON.stringify(await sends("42")) !== JSON.stringify(await sends("43")));
});

Deno.test("conform --list prints every case and --only/--skip select by prefix", async () => {
  const all = await conform(["--list"]);
  assertEquals(all.code, 0);
  assertEquals(
    all.stdout.trim().split("\n").map((l) => l.split("  ")[0]),
    LISTED_CASES.map((c) => c.id), // the target cases, then the client cases
  );
  const some = await conform(["--list", "--only", "tcp.basic", "--skip", "tcp.basic.connect"]);
  assertEquals(
    some.stdout.trim().split("\n").map((l) => l.split("  ")[0]),
    ALL_CASES.filter((c) => c.id.startsWith("tcp.basic.") && c.id !== "tcp.basic.connect").map((
      c,
    ) => c.id),
  );
});

Deno.test("conform loads a user's profile module", async () => {
  const { default: upper } = await import("../../fixtures/example_profile.ts");
  await using served = serve(upper.reference!);
  const r = await conform([
    "--target",
    served.targets.tcp!.url,
    "--profile",
    "./fixtures/example_profile.ts",
    "--only",
    "tcp.basic",
  ]);
  assertEquals(r.code, 0, r.stdout + r.stderr);
  assertStringIncludes(r.stdout, "PASS   tcp.basic.single-request");
});

Deno.test("conform --run-timeout ends the run: cases still running or waiting become errors", async () => {
  await using served = await silent.start();
  const r = await conform([
    "--target",
    served.targets.tcp!.url,
    "--only",
    "tcp.framing",
    "--concurrency",
    "1",
    "--run-timeout",
    "300",
  ]);
  assertEquals(r.code, 3, r.stdout + r.stderr);
  assertStringIncludes(r.stdout, "The run's deadline passed");
});

Deno.test("conform without a permission a feature needs says so in one line and exits 2", async (t) => {
  const port = freePort("tcp");
  const target = ["--target", `tcp://127.0.0.1:${port}`, "--only", "tcp.basic.connect"];
  const cases: [string, string[], string[], string][] = [
    [
      "a report without --allow-write",
      ["--allow-net", "--allow-read"],
      [...target, "--report", "json:sockspec-no-write.json"],
      '--report needs --allow-write (Requires write access to "sockspec-no-write.json")',
    ],
    [
      "a target without --allow-net",
      ["--allow-read"],
      target,
      `--target needs --allow-net (Requires net access to "127.0.0.1:${port}")`,
    ],
    [
      "a profile module without --allow-read",
      ["--allow-net"],
      [...target, "--profile", "./fixtures/example_profile.ts"],
      "--profile needs --allow-read (Requires read access to",
    ],
  ];
  for (const [what, permissions, args, message] of cases) {
    await t.step(what, async () => {
      const r = await runCli("harness/cli/conform.ts", args, { permissions });
      assertEquals(r.code, 2, r.stdout + r.stderr);
      assertOneLine(r.stderr, `sockspec: ${message}`);
    });
  }
});

Deno.test("conform without --allow-env and --allow-ffi runs with its fallbacks", async () => {
  await using served = serve(echo.reference!);
  const r = await runCli("harness/cli/conform.ts", [
    ...[served.targets.tcp!, served.targets.udp!].flatMap((t) => ["--target", t.url]),
    "--only",
    "tcp.basic",
    "--only",
    "udp.basic",
  ], { permissions: ["--allow-net", "--allow-read"], env: { GITHUB_ACTIONS: "true" } });
  assertEquals(r.code, 0, r.stdout + r.stderr);
  assertEquals(r.stderr, "");
  assert(!r.stdout.includes("::error"), "GITHUB_ACTIONS unread without --allow-env");
});
