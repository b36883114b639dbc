/**
 * `deno task bench:cost`: what judging one submission costs on this machine, for correct and for
 * broken programs, against the floor. A benchmark, not a test: it asserts nothing and prints tables.
 *
 * Runs a full `conform` (in a child process, `_measure.ts`) against each target and prints its wall
 * time, sockspec's CPU time, the outcome counts, the slowest case and what each step of its
 * schedule took (`harness/schedule.ts`: a step run one case at a time takes the sum of its cases):
 * - correct C servers, in address mode and with `--exec`: fork-per-client (`fixtures/c/exec/
 *   echo_fork.c`), fork-per-client as course notes write it (`echo_fork_course.c`: `listen(fd, 10)`,
 *   256-byte reads) and thread-per-client (`echo_thread.c`, the same style);
 * - the echo reference (in this process), and its longest case;
 * - broken programs: the lp32 server that trusts the length header
 *   (`fixtures/c/lp32_trusts_length.c`), the iterative server behind `listen(fd, 2)`, the servers
 *   issue 11 measured and the hostile mutants, among them the fork server whose children never
 *   close (`fixtures/c/fork_never_closes.c`).
 *
 * Then the floor, measured in the same run: the connections of `tcp.robustness.churn` made by a
 * bare Deno loop (`_bare_churn.ts`) plus a run of every other case; the ratio of a full run's CPU to
 * it; and 600 submissions projected from the `--exec` fork server's wall time, one after another,
 * on 1 and 4 machines.
 *
 *     deno task bench:cost                       # every target, once
 *     deno task bench:cost --runs 3              # each 3 times
 *     deno task bench:cost --only fork --only reference
 *     deno task bench:cost --root /tmp/before --cycles 2000   # another checkout's conform
 *
 * `--cycles N` sets the bare loop's cycles to the churn of the checkout measured (default: this
 * checkout's). Needs a C compiler (`cc`) and Linux's `/proc`.
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { compileC, startCServer } from "../../fixtures/c/compile.ts";
import { freePort } from "../program/free_port.ts";
import { hostileMutants } from "../../fixtures/mutants/hostile.ts";
import { MUTANTS } from "../../fixtures/mutants/mod.ts";
import { REFERENCES } from "../../fixtures/references/mod.ts";
import { serve, type Served } from "../../fixtures/references/serve.ts";
import { makeTarget, spawnGuarded, UsageError } from "../mod.ts";
import { reportSummary } from "./_report_summary.ts";
import type { Measured } from "./_measure.ts";
import type { BareChurn } from "./_bare_churn.ts";
import { exitOnError } from "../subject/args.ts";
import { churnCycles } from "../../suites/tcp/robustness.ts";

/** This checkout's root. */
const HERE = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** One target: started by this process (address mode), or a command for `--exec`, or both. */
interface CostTarget {
  name: string;
  profile: string;
  /** Starts it for address mode. */
  start?(): Promise<Served> | Served;
  /** Its `--exec` command, built first. */
  command?(): Promise<string>;
}

/** One measured conform run. */
interface CostRow {
  name: string;
  mode: "address" | "exec";
  wallMs: number;
  cpuMs: number | null;
  counts: string;
  slowest: string;
  longestMs: number;
  steps: string;
  stepsMs: number;
}

/** The broken programs besides the hostile mutants: the ones issue 11 measured. */
const BROKEN = ["iterative-backlog", "trusts-length", "silent", "never-closes"];

/** The C servers of `fixtures/c/exec/` that take their port: address mode starts them itself. */
function cExec(name: string, file: string): CostTarget {
  return {
    name,
    profile: "echo",
    start: () => startOnPort(file),
    command: async () => `${await compileC(`exec/${file}`)} {tcp}`,
  };
}

function targets(): CostTarget[] {
  const mutant = (name: string) => {
    const m = [...hostileMutants, ...MUTANTS].find((x) => x.name === name)!;
    return { name: m.name, profile: m.profile, start: () => m.start() };
  };
  return [
    { name: "reference", profile: "echo", start: () => serve(REFERENCES.echo) },
    cExec("fork", "echo_fork"),
    cExec("fork-course", "echo_fork_course"),
    cExec("thread-course", "echo_thread"),
    {
      name: "c-lp32-trusts-length",
      profile: "lp32",
      start: () => startCServer("lp32_trusts_length"),
    },
    ...BROKEN.map(mutant),
    ...hostileMutants.map((m) => mutant(m.name)),
  ];
}

/** Starts `fixtures/c/exec/<file>` on a free port and waits until it accepts. */
async function startOnPort(file: string): Promise<Served> {
  const port = freePort("tcp");
  // Guarded: a benchmark killed with SIGKILL does not leave the server (and its forks) running.
  const server = spawnGuarded(await compileC(`exec/${file}`), {
    args: [String(port)],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  const close = async () => {
    await server.stop();
  };
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      const tcp = makeTarget("tcp", "127.0.0.1", port);
      return { targets: { tcp }, close, [Symbol.asyncDispose]: close };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await close();
  throw new Error(`fixtures/c/exec/${file}.c did not listen on port ${port} within 5 s`);
}

/** Runs `deno run -A <script> args…` in `root`; returns its last stdout line and the wall time. */
async function child(root: string, script: string, args: string[]) {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${root}/${script}`, ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  const wallMs = performance.now() - started;
  const last = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  return { wallMs, last };
}

/** The checkout's `_measure.ts`: in `harness/bench/`, or in `harness/cli/` in older checkouts. */
async function measureScript(root: string): Promise<string> {
  const here = "harness/bench/_measure.ts";
  return await Deno.stat(`${root}/${here}`).then(() => here, () => "harness/cli/_measure.ts");
}

/** One conform run with `args`, measured. */
async function conform(
  root: string,
  name: string,
  mode: CostRow["mode"],
  args: string[],
): Promise<CostRow> {
  const json = await Deno.makeTempFile({ prefix: "sockspec-cost-", suffix: ".json" });
  try {
    const run = await child(root, await measureScript(root), [
      "conform",
      ...args,
      "--seed",
      "1",
      "--report",
      `json:${json}`,
    ]);
    const measured = JSON.parse(run.last) as Measured;
    const { counts, slowest, longestMs, steps, stepsMs } = await reportSummary(json);
    return {
      name,
      mode,
      wallMs: run.wallMs,
      cpuMs: measured.cpuMs,
      counts,
      slowest,
      longestMs,
      // A target that answered nothing right has the rest of its cases run side by side: their
      // steps' sums then exceed the run's wall time, and say so.
      steps: stepsMs > run.wallMs ? `${steps} (side by side: more than the wall time)` : steps,
      stepsMs,
    };
  } finally {
    await Deno.remove(json).catch(() => {});
  }
}

/** Measures `t` in each mode it has. */
async function measure(t: CostTarget, root: string): Promise<CostRow[]> {
  const rows: CostRow[] = [];
  if (t.start) {
    await using served = await t.start();
    const urls = [served.targets.tcp, served.targets.udp].flatMap((x) =>
      x ? ["--target", x.url] : []
    );
    rows.push(await conform(root, t.name, "address", [...urls, "--profile", t.profile]));
  }
  if (t.command) {
    const command = await t.command();
    rows.push(await conform(root, t.name, "exec", ["--exec", command, "--profile", t.profile]));
  }
  return rows;
}

/**
 * The floor of one run against the fork server: every case but churn, plus churn's connections
 * made by a bare loop. Returns the full run's CPU, the floor's parts and their ratio.
 */
async function floor(root: string, cycles: number) {
  await using served = await startOnPort("echo_fork");
  const tcp = served.targets.tcp!;
  const url = ["--target", tcp.url, "--profile", "echo"];
  const full = await conform(root, "fork", "address", url);
  const rest = await conform(root, "fork", "address", [...url, "--skip", "tcp.robustness.churn"]);
  // The bare loop is this checkout's, whichever checkout's conform is measured.
  const bare = JSON.parse(
    (await child(HERE, "harness/bench/_bare_churn.ts", [
      tcp.host,
      String(tcp.port),
      String(cycles),
    ]))
      .last,
  ) as BareChurn;
  return { full, rest, bare };
}

const secs = (ms: number | null) => ms === null ? "?" : (ms / 1000).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the benchmark; returns the exit code. */
async function main(args: string[]): Promise<number> {
  const raw = parseArgs(args, {
    string: ["only", "root", "runs", "cycles"],
    collect: ["only"],
    unknown: (arg: string) => {
      throw new UsageError(
        `Unknown option "${arg}": expected --only NAME, --runs R, --root DIR or --cycles N`,
      );
    },
  });
  const only = raw.only as string[];
  const runs = Number(raw.runs ?? 1);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new UsageError(`Option --runs needs a whole number of at least 1, got "${raw.runs}"`);
  }
  const root = (raw.root as string | undefined) ?? HERE;
  const chosen = targets().filter((t) => only.length === 0 || only.includes(t.name));
  if (chosen.length === 0) {
    throw new UsageError(
      `No target named ${only.join(", ")}: expected ${targets().map((t) => t.name).join(", ")}`,
    );
  }
  console.log(`sockspec bench:cost: ${navigator.hardwareConcurrency} CPUs, conform in ${root}`);
  console.log("| target | mode | wall s | sockspec CPU s | outcomes | slowest case | steps, s |");
  console.log("| --- | --- | ---: | ---: | --- | --- | --- |");
  const rows: CostRow[] = [];
  for (let run = 0; run < runs; run++) {
    for (const t of chosen) {
      for (const r of await measure(t, root)) {
        rows.push(r);
        console.log(
          `| ${r.name} | ${r.mode} | ${secs(r.wallMs)} | ${
            secs(r.cpuMs)
          } | ${r.counts} | ${r.slowest} | ${r.steps} |`,
        );
      }
    }
  }
  const walls = (name: string, mode: CostRow["mode"]) =>
    rows.filter((r) => r.name === name && r.mode === mode);
  console.log("\n| measure | median | ratio |\n| --- | ---: | ---: |");
  for (const name of ["fork", "fork-course", "thread-course"]) {
    for (const mode of ["address", "exec"] as const) {
      const rs = walls(name, mode);
      if (rs.length > 0) {
        console.log(`| ${name}, ${mode}: wall | ${secs(median(rs.map((r) => r.wallMs)))} s | |`);
      }
    }
  }
  const ref = walls("reference", "address");
  if (ref.length > 0) {
    const wall = median(ref.map((r) => r.wallMs)), longest = median(ref.map((r) => r.longestMs));
    console.log(
      `| reference: wall / its longest case | ${secs(wall)} s / ${secs(longest)} s | ${
        (wall / longest).toFixed(2)
      }x |`,
    );
  }
  const broken = rows.filter((r) =>
    !["reference", "fork", "fork-course", "thread-course"].includes(r.name)
  );
  if (broken.length > 0) {
    const worst = broken.reduce((a, b) => b.wallMs > a.wallMs ? b : a);
    console.log(
      `| slowest broken program: ${worst.name} (${worst.mode}) | ${secs(worst.wallMs)} s | |`,
    );
  }
  if (only.length === 0 || only.includes("fork")) {
    const f = await floor(root, Number(raw.cycles ?? churnCycles(undefined)));
    const floorMs = (f.rest.cpuMs ?? 0) + (f.bare.cpuMs ?? 0);
    console.log(
      `| sockspec CPU per run / floor (${secs(f.rest.cpuMs)} s without churn + ${
        secs(f.bare.cpuMs)
      } s for ${f.bare.cycles} bare cycles) | ${secs(f.full.cpuMs)} s / ${secs(floorMs)} s | ${
        ((f.full.cpuMs ?? 0) / floorMs).toFixed(2)
      }x |`,
    );
  }
  const course = walls("fork-course", "exec");
  if (course.length > 0) {
    const each = median(course.map((r) => r.wallMs));
    console.log("\n600 submissions (fork-course with --exec, one after another per machine):");
    console.log("| machines | wall |\n| ---: | ---: |");
    for (const machines of [1, 4]) {
      console.log(`| ${machines} | ${(600 * each / machines / 60_000).toFixed(1)} min |`);
    }
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args).catch((e) => exitOnError(e, console.error, "bench:cost")));
}
