import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { TextLineStream } from "@std/streams";
import { echo } from "./_test_utils.ts";
import { ALL_CASES } from "../../suites/mod.ts";
import { runCli } from "./_test_utils.ts";
import { parseTargets, runCases, selectCases } from "../mod.ts";

Deno.test("serve runs the echo reference until SIGINT and stops cleanly", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "harness/cli/serve.ts", "--profile", "echo"],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(new TextLineStream());
  const reader = lines.getReader() as ReadableStreamDefaultReader<string>;
  let exited = false;
  try {
    const first: string = (await reader.read()).value ?? "";
    assertMatch(
      first,
      /^serving tcp:\/\/127\.0\.0\.1:\d+ udp:\/\/127\.0\.0\.1:\d+ \(Ctrl-C stops\)$/,
    );
    const targets = parseTargets(first.split(" ").filter((w: string) => w.includes("://")));
    const report = await runCases(selectCases(ALL_CASES, ["tcp.basic", "udp.basic"], []), {
      targets,
      profile: echo,
      seed: 1,
    });
    assertEquals(report.summary.fail + report.summary.error, 0);
    child.kill("SIGINT");
    assertEquals((await reader.read()).value, "stopped");
    assertEquals((await child.status).code, 0);
    exited = true;
  } finally {
    reader.releaseLock();
    await lines.cancel();
    await child.stderr.cancel();
    if (!exited) {
      child.kill("SIGKILL");
      await child.status;
    }
  }
});

Deno.test("serve exits 2 with one line when the port is in use", async () => {
  using l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const r = await runCli("harness/cli/serve.ts", [
    "--profile",
    "echo",
    "--tcp",
    String(l.addr.port),
  ]);
  assertEquals(r.code, 2);
  assertEquals(r.stderr.trim().split("\n").length, 1);
  assertStringIncludes(r.stderr, "Port already in use");
});

Deno.test("serve exits 2 for an unknown profile or mutant", async () => {
  for (const args of [["--profile", "nope"], ["--mutant", "nope"], ["--tcp", "x"]]) {
    const r = await runCli("harness/cli/serve.ts", args);
    assertEquals(r.code, 2, args.join(" "));
    assertEquals(r.stderr.trim().split("\n").length, 1);
  }
});

Deno.test("serve with no port serves only the transports the profile has", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "harness/cli/serve.ts", "--profile", "lp16"],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(new TextLineStream())
    .getReader() as ReadableStreamDefaultReader<string>;
  try {
    assertMatch(
      (await reader.read()).value ?? "",
      /^serving tcp:\/\/127\.0\.0\.1:\d+ \(Ctrl-C stops\)$/,
    );
  } finally {
    child.kill("SIGINT");
    await reader.cancel();
    await child.status;
  }
});
