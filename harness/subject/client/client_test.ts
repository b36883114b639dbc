import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { parse } from "@std/csv";
import { compileC, findCompiler, findExecutable } from "../../../fixtures/c/compile.ts";
import { type RunReport, WAITS } from "../../mod.ts";
import type { Io } from "../args.ts";
import { checkClient, parseClient, readClientFlags } from "./client.ts";
import { conform } from "../../cli/conform.ts";
import { grade } from "../../cli/grade.ts";
import { PROFILES } from "../profiles.ts";

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/** Runs `conform --client CMD ...` in process; returns its exit code, lines and JSON report. */
async function conformClient(command: string, extra: string[] = []) {
  const io = capture();
  const dir = await Deno.makeTempDir();
  try {
    const code = await conform(
      ["--client", command, "--seed", "4", "--report", `json:${dir}/r.json`, ...extra],
      { io },
    );
    const report = code < 2
      ? JSON.parse(await Deno.readTextFile(`${dir}/r.json`)) as RunReport
      : undefined;
    return { code, io, report };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The outcome of each case that was not skipped. */
function outcomes(report: RunReport | undefined): Record<string, string> {
  return Object.fromEntries(
    (report?.cases ?? []).filter((c) => c.outcome !== "skip").map((c) => [c.id, c.outcome]),
  );
}

Deno.test("parseClient() needs {port}, takes no {tcp} or {udp}, and knows two transports", () => {
  assertEquals(parseClient("./c {host} {port}", "udp"), {
    command: "./c {host} {port}",
    transport: "udp",
  });
  assertThrows(() => parseClient("./c {host}"), Error, "has no {port}");
  assertThrows(() => parseClient("./c {tcp}"), Error, "uses {tcp}");
  assertThrows(() => parseClient("./c {prot}"), Error, "did you mean {port}?");
  assertThrows(() => parseClient("./c {port}", "sctp"), Error, 'Unknown transport "sctp"');
  assertThrows(() => parseClient("  "), Error, "is empty");
  assertThrows(() => readClientFlags({ transport: "tcp" }), Error, "goes with --client");
});

Deno.test("checkClient() refuses what cannot run, a profile without a reply, a foreign transport", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/client`, "#!/bin/sh\n");
    assertThrows(
      () => checkClient({ command: `${dir}/client {port}` }, PROFILES.echo),
      Error,
      "not executable",
    );
    assertThrows(
      () => checkClient({ command: `${dir}/none {port}` }, PROFILES.echo),
      Error,
      "no such file",
    );
    assertThrows(
      () => checkClient({ command: "no-such-program-here {port}" }, PROFILES.echo),
      Error,
      "not found on PATH",
    );
    assertThrows(
      () => checkClient({ command: "cat {port}" }, PROFILES.discard),
      Error,
      "no client",
    );
    assertThrows(
      () => checkClient({ command: "cat {port}", transport: "udp" }, PROFILES.line),
      Error,
      'Profile "line" has no UDP',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("conform --client with a command that cannot run prints one line and exits 2", async () => {
  const { code, io } = await conformClient("./no-such-client {host} {port}");
  assertEquals(code, 2);
  assertEquals(io.errors, [
    'sockspec: The client cannot be run: Cannot run "./no-such-client": no such file',
  ]);
  assertEquals(io.lines, []);
});

Deno.test({
  name: "conform --client passes a correct C client and names the client in the closing line",
  ignore: findCompiler() === null,
  async fn() {
    const binary = await compileC("clients/tcp_echo_client");
    const { code, io, report } = await conformClient(`${binary} {host} {port}`, [
      "--transport",
      "tcp",
    ]);
    assertEquals(code, 0, io.lines.join("\n"));
    assertEquals(report!.summary.pass, 7);
    assertEquals(report!.client, `${binary} {host} {port}`);
    assertStringIncludes(io.lines.at(-2)!, `client ${binary} {host} {port} · profile echo`);
    const reset = report!.cases.find((c) => c.id === "client.tcp.reset")!;
    const conns = new Set(reset.transcript.map((e) => e.conn));
    for (const c of ["server", "s1", "client", "stdin", "stdout", "stderr"]) {
      assert(conns.has(c), c);
    }
  },
});

Deno.test("conform --client with a client that hangs fails every case within the wait, and kills it", async () => {
  const token = `sockspec-${crypto.randomUUID()}`;
  const { code, report } = await conformClient(`sh -c 'sleep 3600; : "$1"' ${token} {port}`, [
    "--param",
    "client-wait=1000",
  ]);
  assertEquals(code, 1);
  const failed = Object.values(outcomes(report));
  assertEquals(failed.length, 11);
  assert(failed.every((o) => o === "fail"), failed.join(" "));
  // Each case ended at the 1 s wait it was given, not at the default 10 s one. The message gives
  // the time measured, which a loaded machine's timers may stretch past the wait (1.5 s seen).
  for (const c of report!.cases.filter((c) => c.outcome !== "skip")) {
    const said = c.message.match(/still running ([\d.]+) s after /);
    assert(said, `${c.id}: ${c.message}`);
    assert(Number(said?.[1]) >= 1, `${c.id}: ${c.message}`);
    assert(c.durationMs < WAITS.clientWaitMs, `${c.id} took ${c.durationMs} ms`);
  }
  const left = [...Deno.readDirSync("/proc")].filter((e) => {
    try {
      return Deno.readTextFileSync(`/proc/${e.name}/cmdline`).includes(token);
    } catch {
      return false;
    }
  });
  assertEquals(left, []);
});

/** What the outside clients do, as this suite judges them (see README, "Testing a client"). */
const OUTSIDE: readonly { tool: string; command: string; expect: Record<string, string> }[] = [
  {
    tool: "ncat",
    command: "ncat {host} {port}",
    expect: {
      "client.tcp.byte-segments": "pass",
      "client.tcp.slow-reply": "pass",
      "client.tcp.large-slow-reader": "pass",
      "client.tcp.early-close": "fail", // it cannot know the echo's length: exits 0
      "client.tcp.reset": "pass",
      "client.tcp.closed-while-sending": "pass",
      "client.tcp.refused": "pass",
    },
  },
  {
    tool: "socat",
    command: "socat -t 5 - TCP:{host}:{port}",
    expect: {
      "client.tcp.byte-segments": "pass",
      "client.tcp.slow-reply": "pass",
      "client.tcp.large-slow-reader": "pass",
      "client.tcp.early-close": "fail", // as ncat
      "client.tcp.reset": "pass", // still writing when the reset comes: its write fails, exit 1
      "client.tcp.closed-while-sending": "pass",
      "client.tcp.refused": "pass",
    },
  },
];

for (const o of OUTSIDE) {
  Deno.test({
    name: `conform --client judges ${o.command} as the README says`,
    ignore: findExecutable(o.tool) === null,
    async fn() {
      const { report } = await conformClient(o.command, ["--transport", "tcp"]);
      assertEquals(outcomes(report), o.expect);
    },
  });
}

Deno.test({
  name:
    "grade grades a roster's client column: the correct client earns every point, a mutant fewer",
  ignore: findCompiler() === null,
  async fn() {
    const good = await compileC("clients/tcp_echo_client");
    const bad = await compileC("clients/one_recv");
    const dir = await Deno.makeTempDir({ prefix: "sockspec-grade-client-" });
    try {
      await Deno.writeTextFile(
        `${dir}/roster.csv`,
        [
          "student,client,transport,profile",
          `ada,${good} {host} {port},tcp,echo`,
          `bob,${bad} {host} {port},tcp,echo`,
          `cy,./client {host},tcp,echo`,
        ].join("\n"),
      );
      const io = capture();
      const code = await grade(
        [
          "--roster",
          `${dir}/roster.csv`,
          "--out",
          `${dir}/out`,
          "--only",
          "client.tcp",
          "--seed",
          "2",
        ],
        { io },
      );
      assertEquals(code, 3, io.lines.join("\n")); // cy's row cannot be graded
      const rows = parse(await Deno.readTextFile(`${dir}/out/gradebook.csv`), {
        skipFirstRow: true,
      }) as Record<string, string>[];
      const [ada, bob, cy] = rows;
      const adaReport = JSON.parse(
        await Deno.readTextFile(`${dir}/out/ada/report.json`),
      ) as RunReport;
      assertEquals(
        [ada.student, ada.status, ada.total, ada.max],
        ["ada", "ok", "7", "7"],
        adaReport.cases.filter((c) => !["pass", "skip"].includes(c.outcome))
          .map((c) => `${c.id}: ${c.outcome}: ${c.message}`).join("\n"),
      );
      assertEquals(bob.max, "7");
      assert(Number(bob.total) < 7, `bob earned ${bob.total}`);
      assertStringIncludes(cy.status, "has no {port}");
      const report = JSON.parse(await Deno.readTextFile(`${dir}/out/bob/report.json`)) as RunReport;
      const seg = report.cases.find((c) => c.id === "client.tcp.byte-segments")!;
      assertEquals(seg.outcome, "fail");
      assertStringIncludes(seg.reproduce, `--client '${bad} {host} {port}' --transport tcp`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
