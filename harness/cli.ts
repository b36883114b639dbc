import { parseArgs } from "@std/cli/parse-args";
import { setColorEnabled } from "@std/fmt/colors";
import { caseDetail, caseLine, closingLines, WRITERS } from "../reports/mod.ts";
import { ALL_CASES, PROFILES, selectCases } from "../suites/mod.ts";
import type { Params } from "./case.ts";
import { UsageError } from "./errors.ts";
import { loadProfile } from "./load_profile.ts";
import type { Profile } from "./profile.ts";
import type { RunReport } from "./result.ts";
import { runCases } from "./runner.ts";
import { parseTargets, type Targets } from "./target.ts";
import { errorText } from "./tcp_client.ts";

/** Exit codes of `conform`. */
export const EXIT = { ok: 0, fail: 1, usage: 2, error: 3, internal: 4 } as const;

/** Where the CLI prints. Tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** The parsed command line of `conform`. */
export interface ConformArgs {
  targets: Targets;
  targetTexts: string[];
  profileSpec: string;
  only: string[];
  skip: string[];
  seed: number;
  seedGiven: boolean;
  timeoutMs: number;
  caseTimeoutMs: number;
  concurrency: number;
  strict: boolean;
  list: boolean;
  help: boolean;
  reports: { format: string; path: string }[];
  params: Record<string, number>;
}

/** The usage text. */
export const USAGE =
  `Usage: deno task conform --target tcp://HOST:PORT [--target udp://HOST:PORT] --profile NAME [options]

Options:
  --target URL        tcp://HOST:PORT or udp://HOST:PORT (IPv6: tcp://[::1]:7); at most one of each
  --profile NAME      built-in profile (${"${profiles}"}) or a path to a profile module (default echo)
  --only PREFIX       run only cases whose id starts with PREFIX (repeatable)
  --skip PREFIX       leave out cases whose id starts with PREFIX (repeatable)
  --seed N            seed for split plans and payloads (default: random, printed in the report)
  --timeout MS        wait for a connect or for bytes (default 2000)
  --case-timeout MS   deadline for one case (default 30000)
  --concurrency N     cases run at once (default 4; load cases always run alone)
  --param NAME=N      tune a case, e.g. --param clients=1000 (repeatable)
  --strict            count warnings as failures
  --report FMT:PATH   also write a report (${"${formats}"}); PATH - is stdout (repeatable)
  --list              print every case id and title, and exit
  --help              print this text

Exit codes: 0 no fail or error, 1 a case failed, 2 usage error, 3 errors but no fail`;

function usageText(): string {
  return USAGE.replace("${profiles}", Object.keys(PROFILES).join(", "))
    .replace("${formats}", Object.keys(WRITERS).join(", "));
}

function positiveInt(name: string, value: unknown, min = 1): number {
  const n = Number(value);
  if (value === undefined || value === "" || !Number.isInteger(n) || n < min) {
    throw new UsageError(
      `Option --${name} needs a whole number of at least ${min}, got "${value}"`,
    );
  }
  return n;
}

/**
 * Parses `conform`'s arguments.
 *
 * @throws {UsageError} for an unknown option, a malformed target or number, a bad report spec.
 * @example
 * ```ts
 * import { parseConformArgs } from "./cli.ts";
 * const a = parseConformArgs(["--target", "tcp://127.0.0.1:7", "--only", "tcp.basic"]);
 * ```
 */
export function parseConformArgs(args: string[]): ConformArgs {
  const raw = parseArgs(args, {
    string: [
      "target",
      "profile",
      "only",
      "skip",
      "seed",
      "timeout",
      "case-timeout",
      "concurrency",
      "report",
      "param",
    ],
    boolean: ["strict", "list", "help"],
    collect: ["target", "only", "skip", "report", "param"],
    default: { profile: "echo" },
    unknown: (arg: string) => {
      if (arg.startsWith("-")) {
        throw new UsageError(`Unknown option "${arg.split("=")[0]}" (see --help)`);
      }
      throw new UsageError(`Unexpected argument "${arg}" (see --help)`);
    },
  });
  const list = raw.list as boolean;
  const help = raw.help as boolean;
  const targetTexts = raw.target as string[];
  const targets = list || help ? {} : parseTargets(targetTexts);
  const seedGiven = raw.seed !== undefined;
  const seed = seedGiven ? positiveInt("seed", raw.seed, 0) : Math.floor(Math.random() * 2 ** 31);
  if (seed > 0xffffffff) throw new UsageError(`Option --seed must be below 2^32, got ${seed}`);
  const reports = (raw.report as string[]).map((spec) => {
    const i = spec.indexOf(":");
    const format = i < 0 ? spec : spec.slice(0, i);
    const path = i < 0 ? "" : spec.slice(i + 1);
    if (!WRITERS[format]) {
      throw new UsageError(
        `Unknown report format "${format}" in "${spec}": expected one of ${
          Object.keys(WRITERS).join(", ")
        }`,
      );
    }
    if (path === "") {
      throw new UsageError(`Report "${spec}" has no path: use FORMAT:PATH (- for stdout)`);
    }
    return { format, path };
  });
  const params: Record<string, number> = {};
  for (const p of raw.param as string[]) {
    const m = /^([a-z][a-z0-9-]*)=(\d+)$/i.exec(p);
    if (!m) {
      throw new UsageError(`Cannot parse --param "${p}": expected NAME=NUMBER, e.g. clients=1000`);
    }
    params[m[1]] = Number(m[2]);
  }
  return {
    targets,
    targetTexts,
    profileSpec: raw.profile as string,
    only: raw.only as string[],
    skip: raw.skip as string[],
    seed,
    seedGiven,
    timeoutMs: raw.timeout === undefined ? 2000 : positiveInt("timeout", raw.timeout),
    caseTimeoutMs: raw["case-timeout"] === undefined
      ? 30_000
      : positiveInt("case-timeout", raw["case-timeout"]),
    concurrency: raw.concurrency === undefined ? 4 : positiveInt("concurrency", raw.concurrency),
    strict: raw.strict as boolean,
    list,
    help,
    reports,
    params,
  };
}

/** Builds the command that reruns one case exactly as this run did. */
export function reproduceCommand(a: ConformArgs, id: string): string {
  const parts = ["deno task conform"];
  for (const t of [a.targets.tcp, a.targets.udp]) if (t) parts.push(`--target ${t.url}`);
  parts.push(`--profile ${a.profileSpec}`, `--only ${id}`, `--seed ${a.seed}`);
  if (a.strict) parts.push("--strict");
  if (a.timeoutMs !== 2000) parts.push(`--timeout ${a.timeoutMs}`);
  if (a.caseTimeoutMs !== 30_000) parts.push(`--case-timeout ${a.caseTimeoutMs}`);
  for (const [k, v] of Object.entries(a.params)) parts.push(`--param ${k}=${v}`);
  return parts.join(" ");
}

/** Makes sure a report path can be written before the run starts. */
async function checkWritable(path: string): Promise<void> {
  if (path === "-") return;
  try {
    const f = await Deno.open(path, { write: true, create: true, truncate: true });
    f.close();
  } catch (e) {
    throw new UsageError(`Cannot write report "${path}": ${errorText(e)}`, { cause: e });
  }
}

/** Writes every requested report. */
export async function writeReports(
  report: RunReport,
  reports: ConformArgs["reports"],
  io: Io,
): Promise<void> {
  for (const { format, path } of reports) {
    const text = WRITERS[format](report);
    if (path === "-") io.out(text.replace(/\n$/, ""));
    else await Deno.writeTextFile(path, text);
  }
}

/** Options for an in-process `conform` run. */
export interface ConformOptions {
  io?: Io;
  /** Profile to use instead of loading `--profile` (the demo passes its own). */
  profile?: Profile;
  /** Colour the output (default: only on a terminal without NO_COLOR). */
  color?: boolean;
}

const STD_IO: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Runs `conform` with `args` and returns its exit code: 0 no fail or error, 1 any fail, 2 usage
 * error, 3 errors but no fail. Never throws for a user's mistake.
 *
 * @example
 * ```ts
 * import { conform } from "./cli.ts";
 * const code = await conform(["--target", "tcp://127.0.0.1:7", "--profile", "echo"]);
 * ```
 */
export async function conform(args: string[], options: ConformOptions = {}): Promise<number> {
  const io = options.io ?? STD_IO;
  setColorEnabled(options.color ?? (Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR")));
  try {
    const a = parseConformArgs(args);
    if (a.help) {
      io.out(usageText());
      return EXIT.ok;
    }
    const profile = options.profile ?? await loadProfile(a.profileSpec);
    const cases = selectCases(ALL_CASES, a.only, a.skip);
    if (a.list) {
      for (const c of cases) io.out(`${c.id}  ${c.title}`);
      return EXIT.ok;
    }
    if (cases.length === 0) {
      throw new UsageError(`No case matches --only ${a.only.join(" ")} --skip ${a.skip.join(" ")}`);
    }
    for (const r of a.reports) await checkWritable(r.path);
    const report = await runCases(cases, {
      targets: a.targets,
      profile,
      seed: a.seed,
      strict: a.strict,
      timeoutMs: a.timeoutMs,
      caseTimeoutMs: a.caseTimeoutMs,
      concurrency: a.concurrency,
      params: a.params as Params,
      reproduce: (id) => reproduceCommand(a, id),
      onResult: (r) => io.out(caseLine(r)),
    });
    for (const r of report.cases.filter((c) => c.outcome === "fail" || c.outcome === "error")) {
      io.out("");
      for (const line of caseDetail(r)) io.out(line);
    }
    io.out("");
    for (const line of closingLines(report)) io.out(line);
    await writeReports(report, a.reports, io);
    return exitCode(report);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sockspec: ${e.message}`);
      return EXIT.usage;
    }
    io.err(`sockspec: internal error: ${errorText(e)}`);
    return EXIT.internal;
  }
}

/** The exit code a finished run earns. */
export function exitCode(report: RunReport): number {
  if (report.summary.fail > 0 || report.summary.flaky > 0) return EXIT.fail;
  if (report.summary.error > 0) return EXIT.error;
  return EXIT.ok;
}
