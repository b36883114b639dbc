/**
 * `deno task bench:grade`: what grading a class costs on this machine. A benchmark, not a test: it
 * asserts nothing and prints a table.
 *
 * Starts N correct servers (for TCP the fork-per-client C echo server `fixtures/c/echo_fork.c`,
 * for UDP the echo reference, in this process), writes a roster of them, runs `deno task grade`
 * on it in a child process (`_measure.ts`) and prints, for each roster size: the wall time from
 * start to exit, the CPU time (user + system) and the peak resident memory of the grading
 * process, and what the students scored (every one should get every point). The last line is the
 * ratio of the largest roster's wall time to one target's.
 *
 *     deno task bench:grade                              # 1 and 40 targets, grade's defaults
 *     deno task bench:grade --targets 1,10,40 --runs 3   # each size 3 times
 *     deno task bench:grade --concurrency 8 -- --only tcp.backlog --repeat 3
 *
 * Options: `--targets N,N,…` (default 1,40), `--runs R` (each size R times, default 1),
 * `--concurrency N` (grade's; default: grade's own), `--conform` (also one `conform` run against
 * one target), `--shards N,…` (also grade the largest roster as N shards, one after another, and
 * merge them: the wall time N machines would take), `--keep DIR` (keep the output folders there);
 * arguments after `--` go to grade (default `--seed 1`). Needs a C compiler (`cc`) and Linux's
 * `/proc` for CPU and memory.
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { parse } from "@std/csv";
import { startCServer } from "../../fixtures/c/compile.ts";
import { echoUdp } from "../../fixtures/references/echo.ts";
import { serve, type Served } from "../../fixtures/references/serve.ts";
import { errorText, type Targets } from "../mod.ts";
import type { Measured } from "./_measure.ts";

/** The project's root: the child runs there, so it reads the project's `deno.json`. */
const ROOT = new URL("../../", import.meta.url).pathname;
/**
 * The measured child's permissions: all, because Deno reads `/proc/self` only with every
 * permission (`deno task grade` itself asks for less).
 */
const PERMISSIONS = ["--allow-all"];

/** One measured run of `grade` (or `conform`) and what its students scored. */
interface BenchRow {
  what: string;
  targets: number;
  wallMs: number;
  measured: Measured;
  /** Students whose report has a fail, error, flaky or warn case, with those case ids. */
  problems: string[];
}

/** Starts `n` targets: a C echo server each for TCP, an in-process UDP echo each. */
async function startTargets(n: number): Promise<{ targets: Targets[]; close(): Promise<void> }> {
  const servers: Served[] = [];
  const close = () => Promise.all(servers.map((s) => s.close())).then(() => {});
  try {
    for (let i = 0; i < n; i++) {
      servers.push(await startCServer("echo_fork"));
      servers.push(serve({ udp: echoUdp }));
    }
  } catch (e) {
    await close();
    throw e;
  }
  const targets = [];
  for (let i = 0; i < n; i++) {
    targets.push({ tcp: servers[2 * i].targets.tcp, udp: servers[2 * i + 1].targets.udp });
  }
  return { targets, close };
}

/** Runs `_measure.ts` with `args` and returns what it printed, with the wall time seen from here. */
async function measure(args: string[]): Promise<{ wallMs: number; measured: Measured }> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, "harness/bench/_measure.ts", ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const wallMs = performance.now() - started;
  const last = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  try {
    return { wallMs, measured: JSON.parse(last) as Measured };
  } catch (e) {
    throw new Error(`The measured run printed "${last}" (exit ${out.code}): ${errorText(e)}`);
  }
}

/**
 * The students of a grade output folder whose report has a fail, error, flaky or warn case: a
 * correct server gets none, so each one is a verdict the load of the batch changed.
 */
async function problems(out: string): Promise<string[]> {
  const rows = parse(await Deno.readTextFile(`${out}/gradebook.csv`), {
    skipFirstRow: true,
  }) as Record<string, string>[];
  const found: string[] = [];
  for (const row of rows) {
    if (!row.report) {
      found.push(`${row.student}: ${row.status}`);
      continue;
    }
    const dir = row.report.slice(0, row.report.lastIndexOf("/"));
    const report = JSON.parse(await Deno.readTextFile(`${out}/${dir}/report.json`));
    const bad = (report.cases as { id: string; outcome: string; message: string }[])
      .filter((c) => ["fail", "error", "flaky", "warn"].includes(c.outcome))
      .map((c) => `${c.id} ${c.outcome} (${c.message.slice(0, 160)})`);
    if (bad.length > 0 || row.status !== "ok") {
      found.push(`${row.student}: ${[...bad, row.status === "ok" ? "" : row.status].join(", ")}`);
    }
  }
  return found;
}

/** Writes a roster of the first `n` targets; returns its path. */
async function writeRoster(targets: readonly Targets[], n: number, dir: string): Promise<string> {
  const roster = `${dir}/roster-${n}.csv`;
  const lines = targets.slice(0, n).map((t, i) =>
    `s${String(i + 1).padStart(3, "0")},${t.tcp?.url ?? ""},${t.udp?.url ?? ""},echo`
  );
  await Deno.writeTextFile(roster, ["student,tcp,udp,profile", ...lines].join("\n") + "\n");
  return roster;
}

/** Grades a roster of the first `n` targets (or one shard of it) and measures it. */
async function benchGrade(
  targets: readonly Targets[],
  n: number,
  dir: string,
  gradeArgs: string[],
  shard?: string,
): Promise<BenchRow & { out: string }> {
  const roster = await writeRoster(targets, n, dir);
  const out = `${dir}/grades-${n}-${crypto.randomUUID().slice(0, 8)}`;
  const args = ["grade", "--roster", roster, "--out", out, ...gradeArgs];
  const { wallMs, measured } = await measure(shard ? [...args, "--shard", shard] : args);
  const what = shard ? `grade --shard ${shard}` : "grade";
  const graded = shard
    ? Math.ceil((n - Number(shard.split("/")[0]) + 1) / Number(shard.split("/")[1]))
    : n;
  return { what, targets: graded, wallMs, measured, problems: await problems(out), out };
}

/**
 * Grades the first `n` targets as `count` shards, one after another (each as one machine of
 * `count` would), then merges them; returns the rows and the projected wall time of `count`
 * machines: the slowest shard, then the merge.
 */
async function benchShards(
  targets: readonly Targets[],
  n: number,
  count: number,
  dir: string,
  gradeArgs: string[],
): Promise<{ rows: BenchRow[]; projectedMs: number }> {
  const rows: (BenchRow & { out: string })[] = [];
  for (let i = 1; i <= count; i++) {
    rows.push(await benchGrade(targets, n, dir, gradeArgs, `${i}/${count}`));
  }
  const out = `${dir}/merged-${count}-${crypto.randomUUID().slice(0, 8)}`;
  const { wallMs, measured } = await measure(
    ["grade", "--merge", ...rows.map((r) => r.out), "--out", out],
  );
  const merge = { what: `grade --merge (${count})`, targets: n, wallMs, measured, problems: [] };
  return {
    rows: [...rows, merge],
    projectedMs: Math.max(...rows.map((r) => r.wallMs)) + wallMs,
  };
}

/** One `conform` run against one target, every case. */
async function benchConform(t: Targets, gradeArgs: string[]): Promise<BenchRow> {
  const seed = gradeArgs.includes("--seed") ? [] : ["--seed", "1"];
  const args = ["conform", "--target", t.tcp!.url, "--target", t.udp!.url, ...seed];
  const { wallMs, measured } = await measure([...args, ...gradeArgs]);
  return { what: "conform", targets: 1, wallMs, measured, problems: [] };
}

function mib(bytes: number | null): string {
  return bytes === null ? "?" : (bytes / 2 ** 20).toFixed(0);
}

function secs(ms: number | null): string {
  return ms === null ? "?" : (ms / 1000).toFixed(2);
}

/** One line of the printed table. */
function tableLine(r: BenchRow): string {
  const cpu = r.measured.cpuMs;
  const perTarget = cpu === null ? "?" : secs(cpu / r.targets);
  return `| ${r.what} | ${r.targets} | ${secs(r.wallMs)} | ${secs(cpu)} | ${perTarget} | ${
    mib(r.measured.peakRssBytes)
  } | ${mib(r.measured.peakHeapBytes ?? null)} | ${
    (r.targets / (r.wallMs / 60_000)).toFixed(1)
  } | ${r.measured.code} | ${r.problems.length === 0 ? "none" : r.problems.join("; ")} |`;
}

if (import.meta.main) {
  const [own, passed] = ((i) =>
    i < 0 ? [Deno.args, []] : [
      Deno.args.slice(0, i),
      Deno.args.slice(i + 1),
    ])(Deno.args.indexOf("--"));
  const flags = parseArgs(own, {
    string: ["targets", "runs", "concurrency", "keep", "shards"],
    boolean: ["conform", "help"],
  });
  if (flags.help) {
    console.log(
      "Usage: deno task bench:grade [--targets 1,40] [--runs R] [--concurrency N] [--conform] [--shards N,...] [--keep DIR] [-- GRADE ARGS]",
    );
    Deno.exit(0);
  }
  const sizes: number[] = String(flags.targets ?? "1,40").split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`Option --targets needs whole numbers of at least 1, got "${flags.targets}"`);
    Deno.exit(2);
  }
  const runs = Number(flags.runs ?? 1);
  const gradeArgs = [...passed];
  if (!gradeArgs.includes("--seed")) gradeArgs.push("--seed", "1");
  if (flags.concurrency) gradeArgs.push("--concurrency", flags.concurrency);
  const dir = flags.keep ?? await Deno.makeTempDir({ prefix: "sockspec-bench-" });
  await Deno.mkdir(dir, { recursive: true });
  const served = await startTargets(Math.max(...sizes));
  const rows: BenchRow[] = [];
  try {
    console.log(
      `sockspec bench: ${navigator.hardwareConcurrency} CPUs; grade ${gradeArgs.join(" ")}`,
    );
    console.log(
      "| run | targets | wall s | CPU s | CPU s per target | peak RSS MiB | peak V8 heap MiB | targets per minute | exit | fail, error, flaky, warn |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    if (flags.conform) {
      const r = await benchConform(served.targets[0], passed);
      rows.push(r);
      console.log(tableLine(r));
    }
    for (let run = 0; run < runs; run++) {
      for (const n of sizes) {
        const r = await benchGrade(served.targets, n, dir, gradeArgs);
        rows.push(r);
        console.log(tableLine(r));
      }
    }
    const graded = rows.filter((r) => r.what === "grade");
    const median = (n: number) => {
      const walls = graded.filter((r) => r.targets === n).map((r) => r.wallMs).sort((a, b) =>
        a - b
      );
      return walls[Math.floor(walls.length / 2)];
    };
    const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
    if (small !== large) {
      console.log(
        `wall time, ${large} targets / ${small}: ${(median(large) / median(small)).toFixed(2)}x` +
          ` (medians of ${runs} run${runs > 1 ? "s" : ""})`,
      );
    }
    const projections: string[] = [
      `| 1 | ${large} | ${secs(median(large))} | ${
        (large / (median(large) / 60_000)).toFixed(0)
      } |`,
    ];
    for (const count of flags.shards ? String(flags.shards).split(",").map(Number) : []) {
      const sharded = await benchShards(served.targets, large, count, dir, gradeArgs);
      for (const r of sharded.rows) console.log(tableLine(r));
      projections.push(
        `| ${count} | ${large} | ${secs(sharded.projectedMs)} | ${
          (large / (sharded.projectedMs / 60_000)).toFixed(0)
        } |`,
      );
    }
    if (projections.length > 1) {
      console.log(
        "\nProjected: N machines each grade one shard at once (the slowest shard), then one merges",
      );
      console.log("| machines | targets | wall s | targets per minute |\n|---:|---:|---:|---:|");
      for (const line of projections) console.log(line);
    }
  } finally {
    await served.close();
    if (!flags.keep) await Deno.remove(dir, { recursive: true });
  }
}
