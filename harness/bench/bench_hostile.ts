/**
 * `deno task bench:hostile`: a benchmark, not a test. Starts each hostile target (the hostile
 * mutants, the broken servers of issue 11, and the echo reference for comparison) in this process,
 * runs a full `conform` against it in a child process with default settings, and prints each
 * target's wall time, outcome counts, peak RSS (from `/usr/bin/time -v`, where it exists) and
 * slowest case, then the slowest target.
 *
 *     deno task bench:hostile                      # every target
 *     deno task bench:hostile --only floods        # one target (repeatable)
 *     deno task bench:hostile --root /tmp/before   # run another checkout's conform
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { hostileMutants } from "../../fixtures/mutants/hostile.ts";
import { MUTANTS } from "../../fixtures/mutants/mod.ts";
import { REFERENCES } from "../../fixtures/references/mod.ts";
import { serve, type Served } from "../../fixtures/references/serve.ts";
import { UsageError } from "../mod.ts";
import { reportSummary } from "./_report_summary.ts";
import { exitOnError } from "../subject/args.ts";

/** One target of the benchmark. */
interface BenchTarget {
  name: string;
  profile: string;
  start(): Promise<Served> | Served;
}

/** The broken servers issue 11 measured, besides the hostile mutants. */
const ALSO = ["iterative-backlog", "trusts-length", "silent", "never-closes"];

/** A run that takes longer than this is stopped: the benchmark itself stays bounded. */
const RUN_LIMIT_MS = 300_000;

function targets(): BenchTarget[] {
  const reference: BenchTarget = {
    name: "reference (echo)",
    profile: "echo",
    start: () => serve(REFERENCES.echo),
  };
  const also = ALSO.flatMap((name) => MUTANTS.filter((m) => m.name === name));
  const mutants = [...hostileMutants, ...also].map((m) => ({
    name: m.name,
    profile: m.profile,
    start: () => m.start(),
  }));
  return [reference, ...mutants];
}

/** What one benchmark run measured. */
interface Measured {
  name: string;
  wallS: number;
  exit: number;
  counts: string;
  peakMiB: number | null;
  slowest: string;
}

async function measure(t: BenchTarget, root: string): Promise<Measured> {
  await using served = await t.start();
  const args = [
    ...[served.targets.tcp, served.targets.udp].flatMap((x) => x ? ["--target", x.url] : []),
    "--profile",
    t.profile,
  ];
  const json = await Deno.makeTempFile({ prefix: "sockspec-bench-", suffix: ".json" });
  try {
    const deno = [Deno.execPath(), "run", "-A", "--quiet", `${root}/harness/cli/conform.ts`];
    const timeBin = "/usr/bin/time";
    const haveTime = await Deno.stat(timeBin).then(() => true, () => false);
    const cmd = haveTime ? [timeBin, "-v", ...deno] : deno;
    const started = performance.now();
    const child = new Deno.Command(cmd[0], {
      args: [...cmd.slice(1), ...args, "--report", `json:${json}`],
      cwd: root,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // A run past the limit is stopped: conform first (by its id, under /usr/bin/time), then time.
    const limit = setTimeout(() => stopTree(child.pid), RUN_LIMIT_MS);
    const out = await child.output().finally(() => clearTimeout(limit));
    const wallS = (performance.now() - started) / 1000;
    const stderr = new TextDecoder().decode(out.stderr);
    const rss = stderr.match(/Maximum resident set size \(kbytes\): (\d+)/);
    const { counts, slowest } = await reportSummary(json);
    return {
      name: t.name,
      wallS,
      exit: out.code,
      counts,
      peakMiB: rss ? Number(rss[1]) / 1024 : null,
      slowest,
    };
  } finally {
    await Deno.remove(json).catch(() => {});
  }
}

/** Kills `pid`'s children (conform, under /usr/bin/time), then `pid`, each by its id. */
function stopTree(pid: number): void {
  let children: number[] = [];
  try {
    children = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/)
      .filter(Boolean).map(Number);
  } catch { /* no /proc: kill what we started */ }
  for (const p of [...children, pid]) {
    try {
      Deno.kill(p, "SIGKILL");
    } catch { /* already gone */ }
  }
}

/** Runs the benchmark; returns the exit code. */
async function main(args: string[]): Promise<number> {
  const raw = parseArgs(args, {
    string: ["only", "root"],
    collect: ["only"],
    unknown: (arg: string) => {
      throw new UsageError(`Unknown option "${arg}": expected --only NAME or --root DIR`);
    },
  });
  const only = raw.only as string[];
  const root = (raw.root as string | undefined) ??
    new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
  const chosen = targets().filter((t) => only.length === 0 || only.includes(t.name));
  if (chosen.length === 0) {
    throw new UsageError(
      `No target named ${only.join(", ")}: expected ${targets().map((t) => t.name).join(", ")}`,
    );
  }
  const rows: Measured[] = [];
  console.log("| target | wall | exit | outcomes | peak RSS | slowest case |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const t of chosen) {
    const m = await measure(t, root);
    rows.push(m);
    console.log(
      `| ${m.name} | ${m.wallS.toFixed(1)} s | ${m.exit} | ${m.counts} | ${
        m.peakMiB === null ? "?" : `${m.peakMiB.toFixed(0)} MiB`
      } | ${m.slowest} |`,
    );
  }
  const worst = rows.reduce((a, b) => b.wallS > a.wallS ? b : a);
  const fattest = rows.reduce((a, b) => (b.peakMiB ?? 0) > (a.peakMiB ?? 0) ? b : a);
  console.log(`\nslowest: ${worst.name} (${worst.wallS.toFixed(1)} s)`);
  if (fattest.peakMiB !== null) {
    console.log(`largest peak RSS: ${fattest.name} (${fattest.peakMiB.toFixed(0)} MiB)`);
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args).catch((e) => exitOnError(e, console.error, "bench:hostile")));
}
